/* fuzz-main.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Runs a harness over files without libFuzzer: each argument is a file,
 * or a folder whose files are all run, in name order. The ordinary and
 * the sanitizer builds run the seed and regression corpora through it as
 * plain tests; a crash or a model mismatch aborts the run.
 */

#include "config.h"

#include <string.h>

#include "fuzz-common.h"

static gboolean
run_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize size;

  if (!g_file_get_contents (path, &contents, &size, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return FALSE;
    }
  printf ("%s (%" G_GSIZE_FORMAT " bytes)\n", path, size);
  fflush (stdout);
  LLVMFuzzerTestOneInput ((const uint8_t *) contents, size);
  return TRUE;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static gboolean
run_folder (const char *path,
            guint      *n_run)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = g_dir_open (path, 0, &error);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (dir == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return FALSE;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_build_filename (path, name, NULL));
  g_ptr_array_sort (names, compare_names);

  for (guint i = 0; i < names->len; i++)
    {
      if (!run_file (names->pdata[i]))
        return FALSE;
      (*n_run)++;
    }
  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  guint n_run = 0;

  for (int i = 1; i < argc; i++)
    {
      gboolean ok;

      if (g_file_test (argv[i], G_FILE_TEST_IS_DIR))
        ok = run_folder (argv[i], &n_run);
      else if ((ok = run_file (argv[i])))
        n_run++;
      if (!ok)
        return 1;
    }

  printf ("%u inputs run\n", n_run);
  /* An empty corpus would make the test pass without running anything. */
  return n_run > 0 ? 0 : 1;
}
