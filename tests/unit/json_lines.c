/* Validate JSON Lines (not a unit test: run by tests/cli.sh on the output of
 * zhfix --report=json). Usage:
 *   json_lines [TYPE] < FILE
 * Parses every line of standard input with json-c; a line that is not exactly
 * one JSON object (nothing before or after it, an empty line included) makes it
 * print "json_lines: line N: REASON" on standard error and exit 1. Otherwise it
 * prints the number of objects, or with TYPE, the number of objects whose
 * "type" member is the string TYPE, and exits 0. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

int main(int argc, char **argv)
{
  const char *type = argc > 1 ? argv[1] : NULL;
  char *line = NULL;
  size_t cap = 0, lineno = 0;
  unsigned long count = 0;
  ssize_t n;

  if (argc > 2) {
    fprintf(stderr, "usage: json_lines [TYPE] < FILE\n");
    return 2;
  }
  while ((n = getline(&line, &cap, stdin)) != -1) {
    struct json_tokener *tok;
    json_object *o, *t;
    enum json_tokener_error err;
    size_t len = (size_t)n, end;

    lineno++;
    if (len > 0 && line[len - 1] == '\n')
      line[--len] = '\0';
    if (strlen(line) != len) {
      fprintf(stderr, "json_lines: line %zu: NUL byte\n", lineno);
      return 1;
    }
    /* json_tokener_parse() accepts trailing text after a complete value:
     * parse with a strict tokener and check the whole line was consumed.
     * (json-c 0.16 still accepts single-quoted strings in strict mode.) */
    tok = json_tokener_new();
    if (!tok) {
      fprintf(stderr, "json_lines: out of memory\n");
      return 2;
    }
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
    o = json_tokener_parse_ex(tok, line, (int)len);
    err = json_tokener_get_error(tok);
    end = json_tokener_get_parse_end(tok);
    json_tokener_free(tok);
    if (!o || err != json_tokener_success) {
      fprintf(stderr, "json_lines: line %zu: %s\n", lineno,
              err == json_tokener_continue ? "incomplete JSON"
              : err != json_tokener_success ? json_tokener_error_desc(err) : "null");
      json_object_put(o);
      return 1;
    }
    if (end < len) {
      fprintf(stderr, "json_lines: line %zu: text after the value at byte %zu\n", lineno, end);
      json_object_put(o);
      return 1;
    }
    if (!json_object_is_type(o, json_type_object)) {
      fprintf(stderr, "json_lines: line %zu: not an object\n", lineno);
      json_object_put(o);
      return 1;
    }
    if (!type || (json_object_object_get_ex(o, "type", &t) &&
                  json_object_is_type(t, json_type_string) &&
                  strcmp(json_object_get_string(t), type) == 0))
      count++;
    json_object_put(o);
  }
  free(line);
  if (ferror(stdin)) {
    perror("json_lines: standard input");
    return 2;
  }
  printf("%lu\n", count);
  return 0;
}
