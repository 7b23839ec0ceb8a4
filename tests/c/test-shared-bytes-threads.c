/* test-shared-bytes-threads.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The blocks of the GBytes that read_bytes shares with the read buffer
 * go back to their buffer from whichever thread frees them (the bin of
 * qs-ring-buffer.c), and the socket's next receive takes them again. A
 * peer thread streams a pattern over loopback TCP; the main thread reads
 * it chunk by chunk, so that the GBytes share the buffer's blocks, and
 * hands each GBytes to one of four threads that check its bytes and free
 * it, while the socket keeps receiving into returned blocks; the socket
 * is dropped before the last GBytes are. Under ThreadSanitizer
 * (scripts/test.sh builds _build-tsan with -Db_sanitize=thread) this
 * checks the hand-over; in any build, that no byte is lost or changed.
 */

#include "config.h"

#include "qs-test-utils.h"
#include "qs-io-device-private.h"

/* GLib's GAsyncQueue locks a futex-based GMutex that ThreadSanitizer does
 * not see: tell it that a push happens before the pop that takes the
 * item, as the queue guarantees. */
#if defined(__SANITIZE_THREAD__)
# define QS_TEST_TSAN 1
#elif defined(__has_feature)
# if __has_feature(thread_sanitizer)
#  define QS_TEST_TSAN 1
# endif
#endif
#ifdef QS_TEST_TSAN
# include <sanitizer/tsan_interface.h>
# define handed_over(item) __tsan_release (item)
# define taken_over(item)  __tsan_acquire (item)
#else
# define handed_over(item) ((void) (item))
# define taken_over(item)  ((void) (item))
#endif

#define N_FREERS   4
#define PIECE      (251 * 261)  /* a whole number of pattern periods */
#define N_PIECES   1024         /* about 64 MiB */
#define TOTAL      ((gsize) PIECE * N_PIECES)
#define TIMEOUT_MS 120000

typedef struct
{
  GBytes *bytes;  /* (owned) */
  gsize   offset; /* of its first byte in the stream */
} Item;

/* Pushed once per freeing thread: stop. */
static Item stop;

typedef struct
{
  QsIODevice  *device;     /* (unowned) */
  GAsyncQueue *queue;      /* (unowned) */
  gsize        received;
  guint        n_reads;
  guint        n_shared;
} Reader;

/* Reads whatever is buffered, one chunk at a time: a read of all the
 * bytes of the head chunk shares its block. */
static void
on_ready_read (QsIODevice *device,
               Reader     *reader)
{
  QsRingBuffer *rb = _qs_io_device_get_read_buffer (device);

  while (!_qs_ring_buffer_is_empty (rb))
    {
      const QsRingChunk *head = &rb->chunks[rb->first];
      gsize size = head->tail - head->head;
      const guint8 *at = head->data + head->head;
      Item *item = g_new (Item, 1);

      item->bytes = qs_io_device_read_bytes (device, size);
      item->offset = reader->received;
      g_assert_cmpuint (g_bytes_get_size (item->bytes), ==, size);
      reader->received += size;
      reader->n_reads++;
      if (g_bytes_get_data (item->bytes, NULL) == at)
        reader->n_shared++;

      handed_over (item);
      g_async_queue_push (reader->queue, item);
    }
}

/* A freeing thread: checks each GBytes' bytes, then frees it. */
static gpointer
free_bytes (gpointer data)
{
  GAsyncQueue *queue = data;

  for (;;)
    {
      Item *item = g_async_queue_pop (queue);

      if (item == &stop)
        return NULL;
      taken_over (item);
      qs_test_assert_pattern (item->bytes, item->offset, g_bytes_get_size (item->bytes));
      g_bytes_unref (item->bytes);
      g_free (item);
    }
}

typedef struct
{
  GSocket *peer;  /* (unowned) blocking, with a time-out */
  gint     done;  /* (atomic) 1: all sent, 2: failed */
} Writer;

/* The peer thread: the whole stream, then end of stream. */
static gpointer
write_stream (gpointer data)
{
  Writer *writer = data;
  g_autofree guint8 *piece = qs_test_pattern_new (0, PIECE);

  for (guint i = 0; i < N_PIECES; i++)
    {
      gsize sent = 0;

      while (sent < PIECE)
        {
          gssize n = g_socket_send (writer->peer, (const char *) piece + sent, PIECE - sent, NULL, NULL);

          if (n <= 0)
            {
              g_atomic_int_set (&writer->done, 2);
              return NULL;
            }
          sent += n;
        }
    }
  g_socket_shutdown (writer->peer, FALSE, TRUE, NULL);
  g_atomic_int_set (&writer->done, 1);
  return NULL;
}

static void
test_free_on_threads (void)
{
  g_autoptr(GAsyncQueue) queue = g_async_queue_new ();
  g_autoptr(GSocket) listener = NULL;
  g_autoptr(GSocket) peer = NULL;
  QsTcpSocket *socket = qs_tcp_socket_new ();
  GThread *freers[N_FREERS];
  GThread *writer_thread;
  Writer writer = { NULL, 0 };
  Reader reader = { QS_IO_DEVICE (socket), queue, 0, 0, 0 };
  guint16 port;

  g_test_summary ("GBytes sharing a socket's read blocks are freed on four threads while "
                  "the socket keeps receiving into the blocks they return; every byte "
                  "arrives intact and the socket may go first");

  listener = qs_test_listener_new (G_SOCKET_FAMILY_IPV4, 1, &port);
  qs_abstract_socket_connect_to_host (QS_ABSTRACT_SOCKET (socket), "127.0.0.1", port,
                                      QS_OPEN_MODE_READ_WRITE,
                                      QS_NETWORK_LAYER_PROTOCOL_ANY_IP_PROTOCOL);
  peer = qs_test_accept (listener, TIMEOUT_MS);
  qs_test_run_until (qs_abstract_socket_get_state (QS_ABSTRACT_SOCKET (socket)) ==
                     QS_SOCKET_STATE_CONNECTED_STATE, TIMEOUT_MS);
  g_signal_connect (socket, "ready-read", G_CALLBACK (on_ready_read), &reader);

  for (guint i = 0; i < N_FREERS; i++)
    freers[i] = g_thread_new ("free-bytes", free_bytes, queue);
  g_socket_set_blocking (peer, TRUE);
  g_socket_set_timeout (peer, TIMEOUT_MS / 1000);
  writer.peer = peer;
  writer_thread = g_thread_new ("write-stream", write_stream, &writer);

  qs_test_run_until (reader.received == TOTAL || g_atomic_int_get (&writer.done) == 2, TIMEOUT_MS);
  g_thread_join (writer_thread);
  g_assert_cmpint (g_atomic_int_get (&writer.done), ==, 1);
  g_assert_cmpuint (reader.received, ==, TOTAL);

  /* Most reads shared a block: the test exercised the bin. */
  g_test_message ("%u reads, %u shared", reader.n_reads, reader.n_shared);
  g_assert_cmpuint (reader.n_shared * 2, >, reader.n_reads);

  /* The bin outlives the socket until the last GBytes is freed. */
  g_object_unref (socket);
  for (guint i = 0; i < N_FREERS; i++)
    g_async_queue_push (queue, &stop);
  for (guint i = 0; i < N_FREERS; i++)
    g_thread_join (freers[i]);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/shared-bytes/free-on-threads", test_free_on_threads);

  return g_test_run ();
}
