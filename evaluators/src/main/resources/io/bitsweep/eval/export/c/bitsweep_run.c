/*
 * bitsweep_run IN.npy OUT.npy: runs the exported model on every input row of IN.npy (int8, |i1, C order, the
 * model's int8 input tensor in its trailing dimensions, as `bitsweep eval --save-inputs` writes it) and writes the
 * raw int8 outputs to OUT.npy, shaped as `bitsweep eval --save-outputs` writes them: the leading dimensions of IN
 * followed by the output size. Written by `bitsweep export --format c`. Rows are streamed; nothing is allocated.
 */
#include "bitsweep_model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DIMS 8

static int fail(const char *file, const char *what) {
    fprintf(stderr, "bitsweep_run: error: %s: %s\n", file, what);
    return 1;
}

/* Reads a .npy header: int8 dtype, C order, up to MAX_DIMS dimensions. Returns the dimension count, or -1. */
static int read_header(FILE *f, long dims[MAX_DIMS]) {
    unsigned char magic[10];
    char header[4096];
    unsigned long length;
    const char *p;
    int n = 0;
    if (fread(magic, 1, 10, f) != 10 || memcmp(magic, "\x93NUMPY", 6) != 0) {
        return -1;
    }
    if (magic[6] == 1) {
        length = magic[8] | ((unsigned long) magic[9] << 8);
    } else {
        unsigned char more[2];
        if (fread(more, 1, 2, f) != 2) {
            return -1;
        }
        length = magic[8] | ((unsigned long) magic[9] << 8) | ((unsigned long) more[0] << 16)
                 | ((unsigned long) more[1] << 24);
    }
    if (length >= sizeof header || fread(header, 1, length, f) != length) {
        return -1;
    }
    header[length] = '\0';
    if ((strstr(header, "'|i1'") == NULL && strstr(header, "'i1'") == NULL)
        || strstr(header, "'fortran_order': False") == NULL) {
        return -1;
    }
    p = strstr(header, "'shape': (");
    if (p == NULL) {
        return -1;
    }
    p += strlen("'shape': (");
    while (*p != ')' && *p != '\0') {
        char *end;
        long d = strtol(p, &end, 10);
        if (end == p || d < 0 || n == MAX_DIMS) {
            return -1;
        }
        dims[n++] = d;
        p = end;
        while (*p == ',' || *p == ' ') {
            p++;
        }
    }
    return *p == ')' ? n : -1;
}

static int write_header(FILE *f, const long *dims, int n) {
    char header[512];
    int len = sprintf(header, "{'descr': '|i1', 'fortran_order': False, 'shape': (");
    int i, total;
    unsigned char prefix[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 0, 0};
    for (i = 0; i < n; i++) {
        len += sprintf(header + len, n == 1 ? "%ld,), }" : i + 1 < n ? "%ld, " : "%ld), }", dims[i]);
    }
    total = 10 + len + 1;
    while (total % 64 != 0) {
        header[len++] = ' ';
        total++;
    }
    header[len++] = '\n';
    prefix[8] = (unsigned char) (len & 0xff);
    prefix[9] = (unsigned char) (len >> 8);
    return fwrite(prefix, 1, 10, f) == 10 && fwrite(header, 1, (size_t) len, f) == (size_t) len ? 0 : -1;
}

int main(int argc, char **argv) {
    static int8_t input[BITSWEEP_INPUT_SIZE];
    static int8_t output[BITSWEEP_OUTPUT_SIZE];
    long dims[MAX_DIMS + 1];
    long trailing = 1;
    long rows = 1;
    long r;
    int n, lead;
    FILE *in;
    FILE *out;
    if (argc != 3) {
        fprintf(stderr, "usage: bitsweep_run IN.npy OUT.npy (int8 inputs of %d values per row)\n",
                BITSWEEP_INPUT_SIZE);
        return 2;
    }
    in = fopen(argv[1], "rb");
    if (in == NULL) {
        return fail(argv[1], "cannot open");
    }
    n = read_header(in, dims);
    if (n < 0) {
        fclose(in);
        return fail(argv[1], "not an int8 (|i1) C-order .npy file");
    }
    for (lead = n; lead > 0 && trailing < BITSWEEP_INPUT_SIZE; lead--) {
        trailing *= dims[lead - 1];
    }
    if (trailing != BITSWEEP_INPUT_SIZE || lead == 0) {
        fclose(in);
        fprintf(stderr, "bitsweep_run: error: %s: its trailing dimensions do not hold one input of %d values "
                "(expected shape [N, ..., input shape])\n", argv[1], BITSWEEP_INPUT_SIZE);
        return 1;
    }
    for (r = 0; r < lead; r++) {
        rows *= dims[r];
    }
    dims[lead] = BITSWEEP_OUTPUT_SIZE;
    out = fopen(argv[2], "wb");
    if (out == NULL || write_header(out, dims, lead + 1) != 0) {
        fclose(in);
        return fail(argv[2], "cannot write");
    }
    for (r = 0; r < rows; r++) {
        if (fread(input, 1, BITSWEEP_INPUT_SIZE, in) != BITSWEEP_INPUT_SIZE) {
            fclose(in);
            fclose(out);
            return fail(argv[1], "ends before its last row");
        }
        bitsweep_run(input, output);
        if (fwrite(output, 1, BITSWEEP_OUTPUT_SIZE, out) != BITSWEEP_OUTPUT_SIZE) {
            fclose(in);
            fclose(out);
            return fail(argv[2], "cannot write");
        }
    }
    fclose(in);
    return fclose(out) == 0 ? 0 : fail(argv[2], "cannot write");
}
