/* qt-peer.cpp
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The `qt` implementation of qsock-bench: every workload of BENCH.md with
 * C++ Qt 6 QtNetwork on a QCoreApplication event loop, used the way Qt
 * documents it: readyRead → read into a reused buffer, writes paced by
 * bytesWritten, canReadLine/readLine for lines, readDatagram in a loop
 * until it returns -1. Default buffer sizes; LowDelayOption (TCP_NODELAY)
 * on pingpongs only. It follows the child protocol of bench.h and shares
 * payloads, percentiles and the READY/RESULT lines with the C
 * implementations through bench-common.c. TLS workloads: the same roles
 * on QSslSocket (connectToHostEncrypted, encrypted in place of connected)
 * and QSslServer (pendingConnectionAvailable once encrypted), TLS 1.3
 * without session tickets.
 */

#include "bench.h"

#include <QCoreApplication>
#include <QFile>
#include <QHostAddress>
#include <QLocalServer>
#include <QLocalSocket>
#include <QSslKey>
#include <QSslServer>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QUdpSocket>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <functional>
#include <vector>

#include <sys/socket.h>
#include <unistd.h>

namespace {

constexpr qint64 READ_SIZE = 65536;     /* the reused read buffer */
constexpr double REPLY_TIMEOUT = 1.0;   /* seconds a pingpong reply may take */
constexpr double UDP_IDLE_END = 0.5;    /* udp-flood server: seconds after the last datagram */
constexpr int WATCHDOG_MS = 100;        /* how often those two are checked */

/* ---- the run ------------------------------------------------------------ */

/* One role of one workload: its parameters, what it measured and how it
 * ends. Every failure goes through fail(), every success through
 * succeed(); the first one decides the exit code. */
class Run
{
public:
  explicit Run (const BenchParams &params) : p (params) {}

  const BenchParams &p;
  BenchResult r = BENCH_RESULT_INIT;
  std::vector<char> buf = std::vector<char> (READ_SIZE);

  bool done () const { return finished; }

  void
  succeed ()
  {
    if (finished)
      return;
    finished = true;
    bench_print_result (&r);
    QCoreApplication::exit (0);
  }

  void
  fail (const QString &why)
  {
    if (finished)
      return;
    finished = true;
    bench_fail ("qt: %s", qPrintable (why));
    QCoreApplication::exit (1);
  }

  void start_clock () { start = bench_now (); }
  /* The timed interval ends at `at`. */
  void stop_clock (double at = bench_now ()) { r.seconds = at - start; }
  bool clock_started () const { return start >= 0; }

private:
  bool finished = false;
  double start = -1;
};

bool
is_local (const BenchParams &p)
{
  return bench_workload_is_local (p.workload);
}

QHostAddress
loopback (const BenchParams &p)
{
  return QHostAddress (p.ipv6 ? QHostAddress::LocalHostIPv6 : QHostAddress::LocalHost);
}

/* p.addr as host and port; false (and the run failed) if it is not one. */
bool
server_address (Run          &run,
                QHostAddress *host,
                quint16      *port)
{
  char *text = nullptr;

  if (run.p.addr == nullptr || !bench_split_addr (run.p.addr, &text, port) || *port == 0)
    {
      g_free (text);
      run.fail (QStringLiteral ("bad --addr %1").arg (run.p.addr ? run.p.addr : "(none)"));
      return false;
    }
  host->setAddress (QString::fromUtf8 (text));
  g_free (text);
  return true;
}

/* Fails the run on any socket error but the peer closing. */
void
watch_errors (Run       &run,
              QIODevice *dev)
{
  if (auto *local = qobject_cast<QLocalSocket *> (dev))
    QObject::connect (local, &QLocalSocket::errorOccurred, local,
                      [&run, local] (QLocalSocket::LocalSocketError e) {
                        if (e != QLocalSocket::PeerClosedError)
                          run.fail (local->errorString ());
                      });
  else if (auto *tcp = qobject_cast<QAbstractSocket *> (dev))
    QObject::connect (tcp, &QAbstractSocket::errorOccurred, tcp,
                      [&run, tcp] (QAbstractSocket::SocketError e) {
                        if (e != QAbstractSocket::RemoteHostClosedError)
                          run.fail (tcp->errorString ());
                      });
}

void
set_low_delay (QIODevice *dev)
{
  if (auto *tcp = qobject_cast<QTcpSocket *> (dev))
    tcp->setSocketOption (QAbstractSocket::LowDelayOption, 1);
}

/* TLS workloads: the server's certificate and key, or the client's CA. */
QSslConfiguration
tls_configuration (const BenchParams &p)
{
  QSslConfiguration config = QSslConfiguration::defaultConfiguration ();
  g_autofree char *cert = bench_tls_path (&p, BENCH_TLS_CERT);
  g_autofree char *key = bench_tls_path (&p, BENCH_TLS_KEY);
  g_autofree char *ca = bench_tls_path (&p, BENCH_TLS_CA);

  config.setProtocol (QSsl::TlsV1_3);
  config.setSslOption (QSsl::SslOptionDisableSessionTickets, true);
  if (p.server)
    {
      QFile file (QString::fromUtf8 (key));

      config.setLocalCertificate (QSslCertificate::fromPath (QString::fromUtf8 (cert)).value (0));
      if (file.open (QIODevice::ReadOnly))
        config.setPrivateKey (QSslKey (&file, QSsl::Ec));
    }
  else
    config.setCaCertificates (QSslCertificate::fromPath (QString::fromUtf8 (ca)));
  return config;
}

/* Listens on loopback port 0 or on a Unix socket in --dir, prints READY
 * and hands every accepted connection to on_accept. The backlog is
 * SOMAXCONN, as for raw: with Qt's default of 50, a client that connects
 * faster than the server accepts (tcp-connections, tcp-fanin) loses SYNs
 * and waits a second for each retransmission. */
void
listen_stream (Run                              &run,
               std::function<void (QIODevice *)> on_accept)
{
  if (is_local (run.p))
    {
      auto *server = new QLocalServer (QCoreApplication::instance ());
      g_autofree char *path = nullptr;

      if (run.p.dir == nullptr)
        return run.fail (QStringLiteral ("a local workload needs --dir"));
      path = g_build_filename (run.p.dir, "qt.sock", nullptr);
      server->setListenBacklogSize (SOMAXCONN);
      if (!server->listen (QString::fromUtf8 (path)))
        return run.fail (server->errorString ());
      QObject::connect (server, &QLocalServer::newConnection, server,
                        [server, on_accept] {
                          while (QLocalSocket *s = server->nextPendingConnection ())
                            on_accept (s);
                        });
      bench_print_ready (path);
      return;
    }

  bool tls = bench_workload_is_tls (run.p.workload);
  auto *server = tls ? new QSslServer (QCoreApplication::instance ())
                     : new QTcpServer (QCoreApplication::instance ());
  g_autofree char *addr = nullptr;

  server->setListenBacklogSize (SOMAXCONN);
  if (auto *ssl = qobject_cast<QSslServer *> (server))
    {
      ssl->setSslConfiguration (tls_configuration (run.p));
      /* The run's limit: a client under callgrind is slow. */
      ssl->setHandshakeTimeout ((int) (run.p.time_limit * 1000));
      QObject::connect (ssl, &QSslServer::errorOccurred, ssl,
                        [&run] (QSslSocket *s, QAbstractSocket::SocketError e) {
                          if (e != QAbstractSocket::RemoteHostClosedError)
                            run.fail (s->errorString ());
                        });
    }
  if (!server->listen (loopback (run.p), 0))
    return run.fail (server->errorString ());
  if (bench_tls_low_delay (run.p.workload))
    bench_set_nodelay ((int) server->socketDescriptor ());
  auto accept = [server, on_accept] {
    while (QTcpSocket *s = server->nextPendingConnection ())
      on_accept (s);
  };
  /* A QSslServer queues a connection once it is encrypted. */
  if (tls)
    QObject::connect (server, &QTcpServer::pendingConnectionAvailable, server, accept);
  else
    QObject::connect (server, &QTcpServer::newConnection, server, accept);
  addr = bench_format_addr (run.p.ipv6, server->serverPort ());
  bench_print_ready (addr);
}

/* A new stream socket connecting to --addr; on_connected runs once it
 * is connected. */
void
connect_stream (Run                              &run,
                std::function<void (QIODevice *)> on_connected)
{
  if (is_local (run.p))
    {
      auto *local = new QLocalSocket (QCoreApplication::instance ());

      QObject::connect (local, &QLocalSocket::connected, local,
                        [local, on_connected] { on_connected (local); });
      watch_errors (run, local);
      local->connectToServer (QString::fromUtf8 (run.p.addr ? run.p.addr : ""));
    }
  else if (bench_workload_is_tls (run.p.workload))
    {
      auto *ssl = new QSslSocket (QCoreApplication::instance ());
      QHostAddress host;
      quint16 port;

      ssl->setSslConfiguration (tls_configuration (run.p));
      /* TCP_NODELAY before the handshake (bench.h). */
      if (bench_tls_low_delay (run.p.workload))
        QObject::connect (ssl, &QSslSocket::connected, ssl, [ssl] { set_low_delay (ssl); });
      QObject::connect (ssl, &QSslSocket::encrypted, ssl,
                        [ssl, on_connected] { on_connected (ssl); });
      QObject::connect (ssl, &QSslSocket::sslErrors, ssl,
                        [&run, ssl] { run.fail (ssl->errorString ()); });
      watch_errors (run, ssl);
      if (server_address (run, &host, &port))
        ssl->connectToHostEncrypted (host.toString (), port);
    }
  else
    {
      auto *tcp = new QTcpSocket (QCoreApplication::instance ());
      QHostAddress host;
      quint16 port;

      QObject::connect (tcp, &QTcpSocket::connected, tcp,
                        [tcp, on_connected] { on_connected (tcp); });
      watch_errors (run, tcp);
      if (server_address (run, &host, &port))
        tcp->connectToHost (host, port);
    }
}

/* Runs check every WATCHDOG_MS while the run lasts. */
void
every_tick (std::function<void ()> check)
{
  auto *timer = new QTimer (QCoreApplication::instance ());

  QObject::connect (timer, &QTimer::timeout, timer, check);
  timer->start (WATCHDOG_MS);
}

/* ---- tcp-stream, local-stream, tcp-fanin, readline ---------------------- */

bool
is_lines (const BenchParams &p)
{
  return p.workload == BENCH_READLINE;
}

guint64
stream_conns (const BenchParams &p)
{
  return p.workload == BENCH_TCP_FANIN ? p.conns : 1;
}

guint64
stream_total (const BenchParams &p)
{
  return is_lines (p) ? p.count * BENCH_LINE_LEN : p.bytes;
}

/* Checks what a stream connection has ready: the pattern, or whole lines
 * with canReadLine/readLine. false on a mismatch (the run fails) or once
 * the run has ended. */
bool
stream_consume (Run       &run,
                QIODevice *dev,
                guint64   *offset)
{
  char *buf = run.buf.data ();
  qint64 n;

  if (run.done ())
    return false;
  if (is_lines (run.p))
    {
      while (dev->canReadLine ())
        {
          n = dev->readLine (buf, READ_SIZE);
          if (run.r.count >= run.p.count ||
              !bench_line_check (buf, (gsize) n, run.r.count))
            {
              run.fail (QStringLiteral ("bad line %1").arg (run.r.count));
              return false;
            }
          run.r.count++;
          *offset += (guint64) n;
        }
      return true;
    }
  while ((n = dev->read (buf, READ_SIZE)) > 0)
    {
      if (*offset + (guint64) n > run.p.bytes ||
          !bench_pattern_check ((const guint8 *) buf, *offset, (gsize) n))
        {
          run.fail (QStringLiteral ("bad stream data at %1").arg (*offset));
          return false;
        }
      *offset += (guint64) n;
      run.r.count += (guint64) n;
    }
  return true;
}

void
stream_server (Run &run)
{
  auto *finished = new guint64 (0);

  listen_stream (run, [&run, finished] (QIODevice *dev) {
    auto *offset = new guint64 (0);

    if (!run.clock_started () && run.p.workload == BENCH_TCP_FANIN)
      run.start_clock ();
    watch_errors (run, dev);
    QObject::connect (dev, &QIODevice::readyRead, dev, [&run, dev, offset] {
      if (!run.clock_started ())
        run.start_clock ();
      stream_consume (run, dev, offset);
    });
    QObject::connect (dev, &QIODevice::readChannelFinished, dev,
                      [&run, dev, offset, finished] {
      if (!stream_consume (run, dev, offset))
        return;
      if (*offset != stream_total (run.p) || dev->bytesAvailable () != 0)
        return run.fail (QStringLiteral ("EOF after %1 of %2 bytes")
                         .arg (*offset).arg (stream_total (run.p)));
      dev->close ();
      if (++*finished == stream_conns (run.p))
        {
          run.stop_clock ();
          run.succeed ();
        }
    });
  });
}

/* What a stream client writes: the pattern straight from a precomputed
 * table, or the lines, generated per write. */
class StreamPayload
{
public:
  explicit StreamPayload (const BenchParams &params)
    : p (params), table (params.write_size + BENCH_PATTERN_PERIOD)
  {
    if (is_lines (p))
      table.resize (p.write_size);
    else
      bench_pattern_fill (table.data (), 0, table.size ());
  }

  /* The len bytes of the stream from offset. */
  const char *
  at (guint64 offset,
      gsize   len)
  {
    if (!is_lines (p))
      return (const char *) table.data () + offset % BENCH_PATTERN_PERIOD;
    for (gsize done = 0; done < len;)
      {
        guint64 pos = offset + done;
        gsize skip = (gsize) (pos % BENCH_LINE_LEN);
        gsize n = std::min ((gsize) BENCH_LINE_LEN - skip, len - done);
        char line[BENCH_LINE_LEN];

        bench_line_fill (line, pos / BENCH_LINE_LEN);
        memcpy (table.data () + done, line + skip, n);
        done += n;
      }
    return (const char *) table.data ();
  }

private:
  const BenchParams &p;
  std::vector<guint8> table;
};

void
stream_client (Run &run)
{
  auto *payload = new StreamPayload (run.p);
  auto *finished = new guint64 (0);

  run.start_clock ();
  for (guint64 i = 0; i < stream_conns (run.p); i++)
    connect_stream (run, [&run, payload, finished] (QIODevice *dev) {
      auto *sent = new guint64 (0);
      auto *ssl = qobject_cast<QSslSocket *> (dev);
      /* Qt's buffer holds at most one write beyond what the kernel took;
       * once it has taken everything, the connection closes. A
       * QSslSocket's bytesToWrite () counts plaintext only; what it has
       * encrypted and not yet written is encryptedBytesToWrite (). */
      auto fill = [&run, payload, finished, sent, dev, ssl] {
        guint64 total = stream_total (run.p);

        while (*sent < total && dev->bytesToWrite () < (qint64) run.p.write_size)
          {
            gsize n = (gsize) std::min (run.p.write_size, total - *sent);

            if (dev->write (payload->at (*sent, n), (qint64) n) != (qint64) n)
              return run.fail (dev->errorString ());
            *sent += n;
          }
        if (*sent < total || dev->bytesToWrite () > 0 || !dev->isOpen () ||
            (ssl != nullptr && ssl->encryptedBytesToWrite () > 0))
          return;
        dev->close ();
        run.r.count += is_lines (run.p) ? run.p.count : total;
        if (++*finished == stream_conns (run.p))
          {
            run.stop_clock ();
            run.succeed ();
          }
      };

      QObject::connect (dev, &QIODevice::bytesWritten, dev, fill);
      if (ssl != nullptr)
        QObject::connect (ssl, &QSslSocket::encryptedBytesWritten, ssl, fill);
      fill ();
    });
}

/* ---- tcp-pingpong, local-pingpong, udp-pingpong ------------------------- */

/* With --idle, every accepted connection echoes: the first one a
 * message arrives on is the measured one. The server is done once that
 * one has closed (with --count 0, any one) and all are accepted. */
void
pingpong_stream_server (Run &run)
{
  struct Echo { guint64 accepted = 0; QIODevice *measured = nullptr; bool ended = false; };
  auto *echo = new Echo ();
  auto maybe_finish = [&run, echo] {
    if (echo->ended && echo->accepted == run.p.idle + 1)
      {
        run.r.held = run.p.idle;
        run.succeed ();
      }
  };

  if (run.p.idle > 0)
    bench_raise_nofile ();
  listen_stream (run, [&run, echo, maybe_finish] (QIODevice *dev) {
    qint64 size = (qint64) run.p.msg_size;

    if (++echo->accepted > run.p.idle + 1)
      return run.fail (QStringLiteral ("one connection too many"));
    set_low_delay (dev);
    watch_errors (run, dev);
    QObject::connect (dev, &QIODevice::readyRead, dev, [&run, dev, size, echo] {
      char *buf = run.buf.data ();

      if (echo->measured == nullptr)
        echo->measured = dev;
      else if (dev != echo->measured)
        return run.fail (QStringLiteral ("data on an idle connection"));
      while (dev->bytesAvailable () >= size)
        {
          dev->read (buf, size);
          if (++run.r.count > run.p.count || dev->write (buf, size) != size)
            return run.fail (QStringLiteral ("cannot echo message %1").arg (run.r.count));
        }
    });
    QObject::connect (dev, &QIODevice::readChannelFinished, dev, [&run, dev, echo, maybe_finish] {
      if (run.r.count != run.p.count || dev->bytesAvailable () != 0)
        return run.fail (QStringLiteral ("echoed %1 of %2 messages")
                         .arg (run.r.count).arg (run.p.count));
      if (echo->measured != nullptr && dev != echo->measured)
        return;   /* an idle one: the client is leaving */
      echo->ended = true;
      maybe_finish ();
    });
    maybe_finish ();
  });
}

void
pingpong_udp_server (Run &run)
{
  auto *udp = new QUdpSocket (QCoreApplication::instance ());
  g_autofree char *addr = nullptr;

  if (!udp->bind (loopback (run.p), 0))
    return run.fail (udp->errorString ());
  QObject::connect (udp, &QUdpSocket::readyRead, udp, [&run, udp] {
    char *buf = run.buf.data ();
    QHostAddress from;
    quint16 port;
    qint64 n;

    while (run.r.count < run.p.count &&
           (n = udp->readDatagram (buf, READ_SIZE, &from, &port)) >= 0)
      {
        if (udp->writeDatagram (buf, n, from, port) != n)
          return run.fail (QStringLiteral ("cannot echo datagram %1").arg (run.r.count));
        run.r.count++;
      }
    if (run.r.count == run.p.count)
      run.succeed ();
  });
  addr = bench_format_addr (run.p.ipv6, udp->localPort ());
  bench_print_ready (addr);
  if (run.p.count == 0)
    run.succeed ();   /* nothing to wait for (--instructions' empty run) */
}

/* The client side of every pingpong: sends message i, checks its echo,
 * times the round trip and fails when a reply is over REPLY_TIMEOUT late.
 * With --idle, round trip 0 waits for the server's accepts and is not
 * timed (bench.h). */
class PingClient
{
public:
  using Send = std::function<bool (const char *, qint64)>;

  explicit PingClient (Run &r)
    : run (r), msg (r.p.msg_size), samples (r.p.count)
  {
    bench_pattern_fill ((guint8 *) msg.data (), 0, msg.size ());
    every_tick ([this] {
      if (!run.done () && bench_now () - sent_at > REPLY_TIMEOUT && !untimed ())
        run.fail (QStringLiteral ("round trip %1 failed").arg (index));
    });
  }

  /* Starts the round trips, sending each message with send_fn. */
  void
  start (Send send_fn)
  {
    send = std::move (send_fn);
    run.start_clock ();
    next ();
  }

  /* A reply of n bytes has arrived in data. */
  void
  reply (const char *data,
         qint64      n)
  {
    if (n != (qint64) msg.size () || memcmp (data, msg.data (), msg.size ()) != 0)
      return run.fail (QStringLiteral ("round trip %1 failed").arg (index));
    samples[index] = (bench_now () - sent_at) * 1e6;
    if (untimed ())
      run.start_clock ();
    index++;
    next ();
  }

private:
  void
  next ()
  {
    if (index == run.p.count)
      {
        run.stop_clock ();
        gsize skip = run.p.idle > 0 && index > 0 ? 1 : 0;

        run.r.count = index;
        bench_percentiles (samples.data () + skip, samples.size () - skip,
                           &run.r.p50_us, &run.r.p99_us);
        return run.succeed ();
      }
    bench_put_u64 ((guint8 *) msg.data (), index);
    sent_at = bench_now ();
    if (!send (msg.data (), (qint64) msg.size ()))
      run.fail (QStringLiteral ("cannot send message %1").arg (index));
  }

  bool untimed () const { return run.p.idle > 0 && index == 0; }

  Run &run;
  Send send;
  std::vector<char> msg;
  std::vector<double> samples;
  guint64 index = 0;
  double sent_at = G_MAXDOUBLE;   /* no reply awaited before the first send */
};

void
pingpong_measured_client (Run &run)
{
  auto *ping = new PingClient (run);

  connect_stream (run, [&run, ping] (QIODevice *dev) {
    qint64 size = (qint64) run.p.msg_size;
    auto *ssl = qobject_cast<QSslSocket *> (dev);

    /* No round trips (--instructions): a QSslSocket emits encrypted
     * before its Finished has left; the run ends once it has closed. */
    if (ssl != nullptr && run.p.count == 0)
      {
        QObject::connect (ssl, &QSslSocket::disconnected, ssl, [ping] {
          ping->start ([] (const char *, qint64) { return true; });
        });
        return ssl->disconnectFromHost ();
      }
    set_low_delay (dev);
    QObject::connect (dev, &QIODevice::readyRead, dev, [&run, dev, ping, size] {
      char *buf = run.buf.data ();

      while (!run.done () && dev->bytesAvailable () >= size)
        ping->reply (buf, dev->read (buf, size));
      if (run.done ())
        dev->close ();
    });
    QObject::connect (dev, &QIODevice::readChannelFinished, dev, [&run] {
      run.fail (QStringLiteral ("the server closed the connection"));
    });
    ping->start ([dev] (const char *data, qint64 n) { return dev->write (data, n) == n; });
  });
}

/* The idle connections first, BENCH_IDLE_IN_FLIGHT at a time, each
 * watched for reading, then the measured one. */
void
pingpong_stream_client (Run &run)
{
  auto *open_idle = new std::function<void ()> ();
  auto *opened = new guint64 (0);

  if (run.p.idle == 0)
    return pingpong_measured_client (run);
  bench_raise_nofile ();
  *open_idle = [&run, open_idle, opened] {
    ++*opened;
    connect_stream (run, [&run, open_idle, opened] (QIODevice *dev) {
      QObject::connect (dev, &QIODevice::readyRead, dev, [&run] {
        run.fail (QStringLiteral ("data on an idle connection"));
      });
      QObject::connect (dev, &QIODevice::readChannelFinished, dev, [&run] {
        run.fail (QStringLiteral ("an idle connection closed"));
      });
      if (++run.r.held == run.p.idle)
        pingpong_measured_client (run);
      else if (*opened < run.p.idle)
        (*open_idle) ();
    });
  };
  for (guint64 i = 0; i < std::min<guint64> (run.p.idle, BENCH_IDLE_IN_FLIGHT); i++)
    (*open_idle) ();
}

void
pingpong_udp_client (Run &run)
{
  auto *udp = new QUdpSocket (QCoreApplication::instance ());
  auto *ping = new PingClient (run);
  QHostAddress host;
  quint16 port;

  if (!server_address (run, &host, &port))
    return;
  QObject::connect (udp, &QUdpSocket::readyRead, udp, [&run, udp, ping] {
    char *buf = run.buf.data ();
    qint64 n;

    while (!run.done () && (n = udp->readDatagram (buf, READ_SIZE)) >= 0)
      ping->reply (buf, n);
  });
  ping->start ([udp, host, port] (const char *data, qint64 n) {
    return udp->writeDatagram (data, n, host, port) == n;
  });
}

/* ---- udp-flood ---------------------------------------------------------- */

void
flood_server (Run &run)
{
  auto *udp = new QUdpSocket (QCoreApplication::instance ());
  auto *seen = new std::vector<bool> (run.p.count);
  auto *last = new double (-1);
  g_autofree char *addr = nullptr;

  if (!udp->bind (loopback (run.p), 0))
    return run.fail (udp->errorString ());
  QObject::connect (udp, &QUdpSocket::readyRead, udp, [&run, udp, seen, last] {
    const guint8 *d = (const guint8 *) run.buf.data ();
    gsize size = run.p.msg_size;
    qint64 n;

    if (!run.clock_started ())
      run.start_clock ();
    while (run.r.count < run.p.count &&
           (n = udp->readDatagram (run.buf.data (), READ_SIZE)) >= 0)
      {
        guint64 seq;

        if ((gsize) n != size || !bench_pattern_check (d + 8, 8, size - 8) ||
            (seq = bench_get_u64 (d)) >= run.p.count)
          run.r.malformed++;
        else if ((*seen)[seq])
          run.r.duplicates++;
        else
          {
            (*seen)[seq] = true;
            run.r.count++;
          }
      }
    *last = bench_now ();
    if (run.r.count == run.p.count)
      {
        run.stop_clock (*last);
        run.succeed ();
      }
  });
  /* 500 ms without a datagram: the rest is lost. */
  every_tick ([&run, last] {
    if (*last >= 0 && bench_now () - *last >= UDP_IDLE_END)
      {
        run.stop_clock (*last);
        run.succeed ();
      }
  });
  addr = bench_format_addr (run.p.ipv6, udp->localPort ());
  bench_print_ready (addr);
  if (run.p.count == 0)
    run.succeed ();   /* nothing to wait for (--instructions' empty run) */
}

void
flood_client (Run &run)
{
  QUdpSocket udp;
  QHostAddress host;
  quint16 port;
  std::vector<char> msg (run.p.msg_size);
  double deadline;

  if (!server_address (run, &host, &port))
    return;
  bench_pattern_fill ((guint8 *) msg.data (), 0, msg.size ());
  run.start_clock ();
  deadline = bench_now () + run.p.time_limit;
  while (run.r.count < run.p.count)
    {
      bench_put_u64 ((guint8 *) msg.data (), run.r.count);
      /* -1: the kernel's queue is full (EAGAIN, ENOBUFS); send again. */
      if (udp.writeDatagram (msg.data (), (qint64) msg.size (), host, port) >= 0)
        run.r.count++;
      else if (bench_now () >= deadline)
        return run.fail (QStringLiteral ("send datagram %1: %2")
                         .arg (run.r.count).arg (udp.errorString ()));
    }
  run.stop_clock ();
  run.succeed ();
}

/* ---- tcp-connections ---------------------------------------------------- */

void
connections_server (Run &run)
{
  guint64 total = run.p.count + run.p.conns;
  auto *held = new std::vector<QIODevice *> ();
  auto *accepted = new guint64 (0);
  auto *closed = new guint64 (0);
  auto *rss_before = new gint64 (0);
  auto check_done = [&run, closed] {
    if (*closed == run.p.count && run.r.held == run.p.conns)
      {
        run.r.count = run.p.count;
        run.succeed ();
      }
  };

  bench_raise_nofile ();
  /* Qt accepts before it announces a connection, so the hold phase's
   * baseline is taken right after the last sequential accept. */
  if (run.p.count == 0)
    *rss_before = bench_rss_kb ();
  listen_stream (run, [&run, total, held, accepted, closed, rss_before, check_done] (QIODevice *dev) {
    if (*accepted == total)
      return run.fail (QStringLiteral ("one connection too many"));
    watch_errors (run, dev);
    if (++*accepted <= run.p.count)
      {
        if (*accepted == run.p.count)
          *rss_before = bench_rss_kb ();
        /* tls-handshakes: the server closes first, once its handshake is
         * over (the client's ends earlier, when it sends its Finished). */
        if (bench_workload_is_tls (run.p.workload))
          {
            dev->close ();
            dev->deleteLater ();
            ++*closed;
            return check_done ();
          }
        /* The client closed a sequential one: Qt disconnects, it goes. */
        QObject::connect (dev, &QIODevice::readChannelFinished, dev, [dev, closed, check_done] {
          dev->deleteLater ();
          ++*closed;
          check_done ();
        });
        return;
      }
    QObject::connect (dev, &QIODevice::readyRead, dev, [&run] {
      run.fail (QStringLiteral ("unexpected data on a held connection"));
    });
    held->push_back (dev);
    if (*accepted < total)
      return;
    /* The iteration after the last accept ends with the measurement. */
    QTimer::singleShot (0, QCoreApplication::instance (), [&run, held, rss_before, check_done] {
      run.r.rss_kb = std::max<gint64> (bench_rss_kb () - *rss_before, 0);
      for (QIODevice *d : *held)
        d->close ();
      run.r.held = held->size ();
      check_done ();
    });
  });
}

void
connections_client (Run &run)
{
  auto *open_next = new std::function<void ()> ();
  auto *held = new guint64 (0);

  bench_raise_nofile ();
  /* count sequential connections, closed once connected, then conns held
   * ones, opened one after the other, until the server closes them. */
  *open_next = [&run, open_next, held] {
    bool sequential = run.r.count < run.p.count;

    connect_stream (run, [&run, open_next, held, sequential] (QIODevice *dev) {
      if (sequential && bench_workload_is_tls (run.p.workload))
        {
          /* tls-handshakes: the server closes first; no hold phase. */
          QObject::connect (dev, &QIODevice::readChannelFinished, dev, [&run, dev, open_next] {
            dev->close ();
            dev->deleteLater ();
            if (++run.r.count < run.p.count)
              return (*open_next) ();
            run.stop_clock ();
            run.succeed ();
          });
          return;
        }
      if (sequential)
        {
          dev->close ();
          dev->deleteLater ();
          if (++run.r.count == run.p.count)
            run.stop_clock ();
        }
      else
        {
          QObject::connect (dev, &QIODevice::readChannelFinished, dev, [&run, dev] {
            dev->close ();
            if (++run.r.held == run.p.conns)
              run.succeed ();
          });
          ++*held;
        }
      if (run.r.count < run.p.count || *held < run.p.conns)
        (*open_next) ();
    });
  };
  run.start_clock ();
  if (run.p.count == 0)
    run.stop_clock ();
  if (run.p.count + run.p.conns == 0)
    return run.succeed ();
  (*open_next) ();
}

/* ---- the command line --------------------------------------------------- */

bool
parse_u64 (const char *text,
           guint64    *out)
{
  char *end = nullptr;

  errno = 0;
  *out = g_ascii_strtoull (text, &end, 10);
  return end != text && *end == '\0' && errno == 0;
}

/* bench.h's child protocol into p; false on a usage error. */
bool
parse_args (int          argc,
            char       **argv,
            BenchParams *p)
{
  struct { const char *name; guint64 *value; } sizes[] = {
    { "--bytes", &p->bytes }, { "--write-size", &p->write_size },
    { "--msg-size", &p->msg_size }, { "--count", &p->count }, { "--conns", &p->conns },
    { "--idle", &p->idle },
  };
  const char *role = nullptr;
  const char *workload = nullptr;

  *p = BenchParams {};
  p->time_limit = 300;
  for (int i = 1; i < argc; i++)
    {
      const char *arg = argv[i];
      const char *value = i + 1 < argc ? argv[i + 1] : nullptr;
      bool matched = false;

      if (strcmp (arg, "--ipv6") == 0)
        p->ipv6 = TRUE;
      else if (strcmp (arg, "--batch") == 0)
        p->batch = TRUE;
      else if (arg[0] != '-')
        {
          if (workload != nullptr)
            return false;
          workload = arg;
        }
      else if (value == nullptr)
        return false;
      else
        {
          i++;
          for (auto &s : sizes)
            if (strcmp (arg, s.name) == 0)
              {
                if (!parse_u64 (value, s.value))
                  return false;
                matched = true;
              }
          if (matched || strcmp (arg, "--impl") == 0)
            continue;
          if (strcmp (arg, "--role") == 0)
            role = value;
          else if (strcmp (arg, "--addr") == 0)
            p->addr = value;
          else if (strcmp (arg, "--dir") == 0)
            p->dir = value;
          else if (strcmp (arg, "--tls-dir") == 0)
            p->tls_dir = value;
          else if (strcmp (arg, "--time-limit") == 0)
            {
              char *end = nullptr;

              p->time_limit = g_ascii_strtod (value, &end);
              if (end == value || *end != '\0' || !(p->time_limit > 0))
                return false;
            }
          else
            return false;
        }
    }
  if (role == nullptr || workload == nullptr ||
      (strcmp (role, "server") != 0 && strcmp (role, "client") != 0))
    return false;
  p->server = strcmp (role, "server") == 0;
  for (int w = 0; w < BENCH_N_WORKLOADS; w++)
    if (strcmp (workload, bench_workload_name ((BenchWorkload) w)) == 0)
      {
        p->workload = (BenchWorkload) w;
        return true;
      }
  return false;
}

/* The sizes a workload needs to be meaningful; nullptr if they are. */
const char *
check_params (const BenchParams &p)
{
  switch (p.workload)
    {
    case BENCH_TCP_STREAM:
    case BENCH_LOCAL_STREAM:
    case BENCH_TCP_FANIN:
    case BENCH_READLINE:
    case BENCH_TLS_STREAM:
      return p.write_size == 0 ? "--write-size must be positive" : nullptr;
    case BENCH_TLS_PINGPONG:
    case BENCH_TCP_PINGPONG:
    case BENCH_LOCAL_PINGPONG:
    case BENCH_UDP_PINGPONG:
    case BENCH_UDP_FLOOD:
      return p.msg_size < 8 || p.msg_size > (guint64) READ_SIZE
             ? "--msg-size must be 8 to 65536" : nullptr;
    case BENCH_TCP_CONNECTIONS:
    case BENCH_TLS_HANDSHAKES:
    case BENCH_N_WORKLOADS:
    default:
      return nullptr;
    }
}

void
start (Run &run)
{
  const BenchParams &p = run.p;

  switch (p.workload)
    {
    case BENCH_TCP_STREAM:
    case BENCH_LOCAL_STREAM:
    case BENCH_TCP_FANIN:
    case BENCH_READLINE:
    case BENCH_TLS_STREAM:
      return p.server ? stream_server (run) : stream_client (run);
    case BENCH_TCP_PINGPONG:
    case BENCH_LOCAL_PINGPONG:
    case BENCH_TLS_PINGPONG:
      return p.server ? pingpong_stream_server (run) : pingpong_stream_client (run);
    case BENCH_UDP_PINGPONG:
      return p.server ? pingpong_udp_server (run) : pingpong_udp_client (run);
    case BENCH_UDP_FLOOD:
      return p.server ? flood_server (run) : flood_client (run);
    case BENCH_TCP_CONNECTIONS:
    case BENCH_TLS_HANDSHAKES:
      return p.server ? connections_server (run) : connections_client (run);
    case BENCH_N_WORKLOADS:
    default:
      return run.fail (QStringLiteral ("no such workload"));
    }
}

} /* namespace */

int
main (int    argc,
      char **argv)
{
  BenchParams p;
  const char *problem;

  if (!parse_args (argc, argv, &p))
    {
      bench_fail ("usage: qt-peer --impl qt --role server|client WORKLOAD "
                  "[--bytes N] [--write-size W] [--msg-size S] [--count M] "
                  "[--conns C] [--idle N] [--time-limit SECONDS] [--ipv6] [--batch] "
                  "[--tls-dir DIR] [--dir DIR | --addr ADDR]");
      return 2;
    }
  if ((problem = check_params (p)) != nullptr)
    return bench_fail ("qt: %s", problem);
  alarm ((unsigned) std::ceil (p.time_limit));

  QCoreApplication app (argc, argv);
  Run run (p);

  /* Start inside the loop, so that a failure while setting up exits it. */
  QTimer::singleShot (0, &app, [&run] { start (run); });
  return app.exec ();
}
