/* Tiny wrapper around ICU's charset detector for bench/detect-compare.sh:
 * reads FILE, prints the best match's name from ucsdet_detect ("unknown" if
 * none). Build: cc bench/ucsdet.c -o ucsdet $(pkg-config --cflags --libs icu-i18n) */
#include <stdio.h>
#include <stdlib.h>
#include <unicode/ucsdet.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s FILE\n", argv[0]);
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 3;
    }
    size_t cap = 4096, len = 0, n;
    char *buf = malloc(cap);
    while (buf && (n = fread(buf + len, 1, cap - len, f)) > 0) {
        len += n;
        if (len == cap) {
            char *p = realloc(buf, cap *= 2);
            if (!p) {
                free(buf);
                buf = NULL;
            } else {
                buf = p;
            }
        }
    }
    fclose(f);
    if (!buf) {
        fputs("out of memory\n", stderr);
        return 3;
    }

    UErrorCode err = U_ZERO_ERROR;
    UCharsetDetector *det = ucsdet_open(&err);
    /* the detector keeps a pointer to buf, so buf lives until ucsdet_close */
    ucsdet_setText(det, buf, (int32_t)len, &err);
    const UCharsetMatch *m = ucsdet_detect(det, &err);
    const char *name = m ? ucsdet_getName(m, &err) : NULL;
    if (U_FAILURE(err)) {
        fprintf(stderr, "ucsdet: %s\n", u_errorName(err));
        ucsdet_close(det);
        free(buf);
        return 3;
    }
    puts(name ? name : "unknown");
    ucsdet_close(det);
    free(buf);
    return 0;
}
