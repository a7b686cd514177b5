/* libFuzzer target: the command line's option parser. The input, split at NUL
 * bytes, is argv. */
#define ZHFIX_NO_MAIN
#include "../../src/cli/main.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char *copy = malloc(size + 1), *argv[64];
  int argc = 1;
  size_t i, start = 0;
  struct options o = {NULL, NULL, 0};
  struct run r;

  if (!copy)
    return 0;
  memcpy(copy, data, size);
  copy[size] = '\0';
  argv[0] = (char *)"zhfix";
  for (i = 0; i <= size && argc < 63; i++)
    if (copy[i] == '\0') {
      argv[argc++] = copy + start;
      start = i + 1;
    }
  argv[argc] = NULL;
  memset(&r, 0, sizeof r);
  (void)parse_options(argc, argv, &o, &r);
  free(copy);
  return 0;
}
