/*
 * BitSweep's integer kernels in C99: the exact engine's arithmetic, operation for operation (docs/EXPORT.md).
 * Written by `bitsweep export --format c`. Sums that may wrap are done in uint32_t, as the engine's int32 sums wrap.
 */
#include "bitsweep_kernels.h"

#include <stddef.h>

/* gemmlowp's SaturatingRoundingDoublingHighMul: the high half of 2ab, ties toward +inf; -1 * -1 saturates. */
static int32_t bs_srdhm(int32_t a, int32_t b) {
    int64_t ab;
    int64_t nudge;
    if (a == INT32_MIN && b == INT32_MIN) {
        return INT32_MAX;
    }
    ab = (int64_t) a * b;
    nudge = ab >= 0 ? ((int64_t) 1 << 30) : (1 - ((int64_t) 1 << 30));
    return (int32_t) ((ab + nudge) / ((int64_t) 1 << 31)); /* C99 division truncates toward zero */
}

/* gemmlowp's RoundingDivideByPOT: arithmetic right shift by 0..31, ties away from zero. */
static int32_t bs_rdbpot(int32_t x, int32_t exponent) {
    int32_t mask = (int32_t) (((int64_t) 1 << exponent) - 1);
    int32_t remainder = x & mask;
    int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

static int32_t bs_shift_left(int32_t x, int32_t bits) {
    return (int32_t) ((uint32_t) x << bits); /* wraps as the engine's int32 shift does */
}

/* x * multiplier * 2^(shift - 31), rounded as `rounding` says. */
static int32_t bs_multiply(int32_t x, int32_t multiplier, int32_t shift, int32_t rounding) {
    if (rounding == BS_ROUND_SHIFT && multiplier == (1 << 30)) {
        return shift >= 1 ? bs_shift_left(x, shift - 1) : bs_rdbpot(x, 1 - shift);
    }
    if (rounding == BS_ROUND_SINGLE) {
        int32_t total = 31 - shift;
        int64_t r = ((int64_t) x * multiplier + ((int64_t) 1 << (total - 1))) >> total;
        return r > INT32_MAX ? INT32_MAX : r < INT32_MIN ? INT32_MIN : (int32_t) r;
    }
    return bs_rdbpot(bs_srdhm(bs_shift_left(x, shift > 0 ? shift : 0), multiplier), shift > 0 ? 0 : -shift);
}

/* A shortcut code in accumulator units: round(d * m * 2^(shift - 31)), ties away from zero, bounded by 2^40. */
static int64_t bs_rescale(int32_t d, int32_t multiplier, int32_t shift) {
    const int64_t limit = (int64_t) 1 << 40;
    int64_t x = (int64_t) d * multiplier;
    int32_t right = 31 - shift;
    int64_t shifted;
    if (right > 0) {
        int64_t half = (int64_t) 1 << (right - 1);
        return x >= 0 ? (x + half) >> right : -((-x + half) >> right);
    }
    if (x == 0) {
        return 0;
    }
    shifted = -right > 10 ? (x > 0 ? limit : -limit) : x * ((int64_t) 1 << -right);
    return shifted > limit ? limit : shifted < -limit ? -limit : shifted;
}

static int8_t bs_clamp8(int32_t v, int32_t lo, int32_t hi) {
    return (int8_t) (v < lo ? lo : v > hi ? hi : v);
}

/* Accumulator (plus the shortcut of a fused residual ADD) to the output code of computed channel `slot`. */
static int8_t bs_output(const bs_layer *l, int32_t acc, int32_t slot, const int8_t *shortcut, int32_t index) {
    const int64_t acc_min = -((int64_t) 1 << (l->accumulator_bits - 1));
    const int64_t acc_max = ((int64_t) 1 << (l->accumulator_bits - 1)) - 1;
    int64_t sum = acc;
    int32_t multiplier = l->multiplier != NULL ? l->multiplier[slot] : (1 << 30);
    if (shortcut != NULL) {
        sum += bs_rescale(shortcut[index] + l->shortcut_offset, l->shortcut_multiplier[slot],
                          l->shortcut_shift[slot]);
    }
    if (sum < acc_min) {
        sum = acc_min;
    } else if (sum > acc_max) {
        sum = acc_max;
    }
    return bs_clamp8(bs_multiply((int32_t) sum, multiplier, l->shift[slot], l->rounding) + l->output_zero_point,
                     l->act_min, l->act_max);
}

/* Channel `count` codes of `bits` bits from bit `bit` on, sign-extended into out. */
static void bs_unpack(const uint8_t *codes, uint32_t bit, int32_t bits, int32_t count, int8_t *out) {
    const uint32_t sign = (uint32_t) 1 << (bits - 1);
    int32_t i;
    for (i = 0; i < count; i++, bit += (uint32_t) bits) {
        uint32_t byte = bit >> 3;
        uint32_t offset = bit & 7u;
        uint32_t v = (uint32_t) codes[byte] >> offset;
        if (offset + (uint32_t) bits > 8u) {
            v |= (uint32_t) codes[byte + 1] << (8u - offset);
        }
        v &= (sign << 1) - 1u;
        out[i] = (int8_t) ((int32_t) (v ^ sign) - (int32_t) sign);
    }
}

/* The weights of one channel as int8: the codes themselves when they are whole bytes, else unpacked to scratch. */
static const int8_t *bs_channel_weights(const bs_layer *l, uint32_t bit, int32_t bits, int32_t count,
                                        int8_t *scratch) {
    if (bits == 8 && (bit & 7u) == 0) {
        return (const int8_t *) (const void *) (l->codes + (bit >> 3));
    }
    bs_unpack(l->codes, bit, bits, count, scratch);
    return scratch;
}

/*
 * Starts output channel c of a layer. A pruned channel of a layer without a fused shortcut is not computed: its
 * output is the zero point (real 0), written here, and *computed is 0. Otherwise *computed is 1 and the result is the
 * channel's weights, or NULL for a pruned channel of a fused layer (its output is the shortcut alone); *bit moves
 * past the channel's codes.
 */
static const int8_t *bs_begin_channel(const bs_layer *l, int32_t c, int32_t taps, const int8_t *shortcut,
                                      int8_t *out, uint32_t *bit, int8_t *scratch, int32_t *computed) {
    int32_t bits = l->widths != NULL ? l->widths[c] : l->width;
    const int8_t *w;
    if (bits == 0) {
        *computed = shortcut != NULL;
        if (shortcut == NULL) {
            int32_t p;
            for (p = 0; p < l->out_h * l->out_w; p++) {
                out[p * l->out_c + c] = (int8_t) l->output_zero_point;
            }
        }
        return NULL;
    }
    *computed = 1;
    w = bs_channel_weights(l, *bit, bits, taps, scratch);
    *bit += (uint32_t) bits * (uint32_t) taps;
    return w;
}

void bs_conv2d(const bs_layer *l, const int8_t *in, int8_t *out, const int8_t *shortcut, int8_t *scratch) {
    const int32_t live = l->live_count;
    const int32_t taps = l->k_h * l->k_w * live;
    uint32_t bit = 0;
    int32_t slot = 0;
    int32_t c;
    for (c = 0; c < l->out_c; c++) {
        int32_t computed;
        const int8_t *w = bs_begin_channel(l, c, taps, shortcut, out, &bit, scratch, &computed);
        int32_t oy;
        if (!computed) {
            continue;
        }
        for (oy = 0; oy < l->out_h; oy++) {
            int32_t ox;
            for (ox = 0; ox < l->out_w; ox++) {
                uint32_t acc = l->bias != NULL ? (uint32_t) l->bias[slot] : 0u;
                int32_t index = (oy * l->out_w + ox) * l->out_c + c;
                if (w != NULL) {
                    int32_t iy0 = oy * l->stride_h - l->pad_top;
                    int32_t ix0 = ox * l->stride_w - l->pad_left;
                    int32_t ky;
                    for (ky = 0; ky < l->k_h; ky++) {
                        int32_t iy = iy0 + ky * l->dilation_h;
                        int32_t kx;
                        if (iy < 0 || iy >= l->in_h) {
                            continue; /* padding taps are skipped */
                        }
                        for (kx = 0; kx < l->k_w; kx++) {
                            int32_t ix = ix0 + kx * l->dilation_w;
                            const int8_t *x;
                            const int8_t *wt;
                            int32_t i;
                            if (ix < 0 || ix >= l->in_w) {
                                continue;
                            }
                            x = in + (iy * l->in_w + ix) * l->in_c;
                            wt = w + (ky * l->k_w + kx) * live;
                            if (l->live_inputs == NULL) {
                                for (i = 0; i < live; i++) {
                                    acc += (uint32_t) ((x[i] + l->input_offset) * wt[i]);
                                }
                            } else {
                                for (i = 0; i < live; i++) {
                                    acc += (uint32_t) ((x[l->live_inputs[i]] + l->input_offset) * wt[i]);
                                }
                            }
                        }
                    }
                }
                out[index] = bs_output(l, (int32_t) acc, slot, shortcut, index);
            }
        }
        slot++;
    }
}

void bs_depthwise_conv2d(const bs_layer *l, const int8_t *in, int8_t *out, const int8_t *shortcut,
                         int8_t *scratch) {
    const int32_t taps = l->k_h * l->k_w;
    uint32_t bit = 0;
    int32_t slot = 0;
    int32_t c;
    for (c = 0; c < l->out_c; c++) {
        int32_t ic = c / l->depth_multiplier;
        int32_t computed;
        const int8_t *w = bs_begin_channel(l, c, taps, shortcut, out, &bit, scratch, &computed);
        int32_t oy;
        if (!computed) {
            continue;
        }
        for (oy = 0; oy < l->out_h; oy++) {
            int32_t ox;
            for (ox = 0; ox < l->out_w; ox++) {
                uint32_t acc = l->bias != NULL ? (uint32_t) l->bias[slot] : 0u;
                int32_t index = (oy * l->out_w + ox) * l->out_c + c;
                if (w != NULL) {
                    int32_t iy0 = oy * l->stride_h - l->pad_top;
                    int32_t ix0 = ox * l->stride_w - l->pad_left;
                    int32_t ky;
                    for (ky = 0; ky < l->k_h; ky++) {
                        int32_t iy = iy0 + ky * l->dilation_h;
                        int32_t kx;
                        if (iy < 0 || iy >= l->in_h) {
                            continue;
                        }
                        for (kx = 0; kx < l->k_w; kx++) {
                            int32_t ix = ix0 + kx * l->dilation_w;
                            if (ix < 0 || ix >= l->in_w) {
                                continue;
                            }
                            acc += (uint32_t) ((in[(iy * l->in_w + ix) * l->in_c + ic] + l->input_offset)
                                               * w[ky * l->k_w + kx]);
                        }
                    }
                }
                out[index] = bs_output(l, (int32_t) acc, slot, shortcut, index);
            }
        }
        slot++;
    }
}

void bs_add(const bs_add_params *p, const int8_t *a, const int8_t *b, int8_t *out, int32_t n) {
    int32_t i;
    for (i = 0; i < n; i++) {
        int32_t x1 = (a[i] + p->input1_offset) * (1 << 20);
        int32_t x2 = (b[i] + p->input2_offset) * (1 << 20);
        int32_t s1 = bs_rdbpot(bs_srdhm(x1, p->input1_multiplier), -p->input1_shift);
        int32_t s2 = bs_rdbpot(bs_srdhm(x2, p->input2_multiplier), -p->input2_shift);
        int32_t sum = (int32_t) ((uint32_t) s1 + (uint32_t) s2);
        int32_t raw = bs_rdbpot(bs_srdhm(sum, p->output_multiplier), -p->output_shift) + p->output_zero_point;
        out[i] = bs_clamp8(raw, p->act_min, p->act_max);
    }
}

/* The in-bounds window of output (oy, ox): rows [y0, y1) and columns [x0, x1) of the filter. */
static void bs_window(const bs_pool_params *p, int32_t oy, int32_t ox, int32_t *iy0, int32_t *ix0, int32_t *y0,
                      int32_t *y1, int32_t *x0, int32_t *x1) {
    *iy0 = oy * p->stride_h - p->pad_top;
    *ix0 = ox * p->stride_w - p->pad_left;
    *y0 = *iy0 < 0 ? -*iy0 : 0;
    *y1 = p->k_h < p->in_h - *iy0 ? p->k_h : p->in_h - *iy0;
    *x0 = *ix0 < 0 ? -*ix0 : 0;
    *x1 = p->k_w < p->in_w - *ix0 ? p->k_w : p->in_w - *ix0;
}

void bs_average_pool(const bs_pool_params *p, const int8_t *in, int8_t *out) {
    int32_t oy;
    for (oy = 0; oy < p->out_h; oy++) {
        int32_t ox;
        for (ox = 0; ox < p->out_w; ox++) {
            int32_t iy0, ix0, y0, y1, x0, x1, c;
            int32_t count;
            bs_window(p, oy, ox, &iy0, &ix0, &y0, &y1, &x0, &x1);
            count = (x1 - x0) * (y1 - y0);
            for (c = 0; c < p->channels; c++) {
                int16_t acc = 0; /* TFLite's int8 average pool sums in int16 */
                int32_t fy, v;
                for (fy = y0; fy < y1; fy++) {
                    int32_t fx;
                    for (fx = x0; fx < x1; fx++) {
                        acc = (int16_t) (acc + in[((iy0 + fy) * p->in_w + ix0 + fx) * p->channels + c]);
                    }
                }
                v = (int16_t) (acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count);
                out[(oy * p->out_w + ox) * p->channels + c] = bs_clamp8(v, p->act_min, p->act_max);
            }
        }
    }
}

void bs_max_pool(const bs_pool_params *p, const int8_t *in, int8_t *out) {
    int32_t oy;
    for (oy = 0; oy < p->out_h; oy++) {
        int32_t ox;
        for (ox = 0; ox < p->out_w; ox++) {
            int32_t iy0, ix0, y0, y1, x0, x1, c;
            bs_window(p, oy, ox, &iy0, &ix0, &y0, &y1, &x0, &x1);
            for (c = 0; c < p->channels; c++) {
                int32_t m = p->act_min; /* TFLite starts the running max at the activation minimum */
                int32_t fy;
                for (fy = y0; fy < y1; fy++) {
                    int32_t fx;
                    for (fx = x0; fx < x1; fx++) {
                        int32_t v = in[((iy0 + fy) * p->in_w + ix0 + fx) * p->channels + c];
                        m = v > m ? v : m;
                    }
                }
                out[(oy * p->out_w + ox) * p->channels + c] = bs_clamp8(m, p->act_min, p->act_max);
            }
        }
    }
}

/* C's round() of a float: half away from zero, exact in double. */
static int32_t bs_round_half_away(float f) {
    double a = f < 0.0f ? -(double) f : (double) f;
    int32_t r = (int32_t) (a + 0.5);
    return f < 0.0f ? -r : r;
}

void bs_softmax_table(const bs_softmax_table_params *p, const int8_t *in, int8_t *out, int32_t n) {
    int32_t base;
    for (base = 0; base < n; base += p->row_length) {
        int32_t max = -128;
        int32_t offset, j;
        float sum = 0.0f;
        float inv;
        for (j = 0; j < p->row_length; j++) {
            max = in[base + j] > max ? in[base + j] : max;
        }
        offset = 255 - max;
        for (j = 0; j < p->row_length; j++) {
            sum += p->table[offset + in[base + j]];
        }
        inv = 1.0f / (sum * p->output_scale);
        for (j = 0; j < p->row_length; j++) {
            float prob = p->table[offset + in[base + j]] * inv;
            out[base + j] = bs_clamp8(bs_round_half_away(prob) + p->output_zero_point, -128, 127);
        }
    }
}

/* gemmlowp's saturating multiply by 2^exponent, exponent > 0. */
static int32_t bs_saturating_shift_left(int32_t x, int32_t exponent) {
    int32_t threshold = (int32_t) (((int64_t) 1 << (31 - exponent)) - 1);
    return x > threshold ? INT32_MAX : x < -threshold ? INT32_MIN : bs_shift_left(x, exponent);
}

/* exp(a) for a in [-1/4, 0), Q0.31: gemmlowp's Taylor expansion around -1/8. */
static int32_t bs_exp_quarter(int32_t a) {
    const int32_t exp_minus_one_eighth = 1895147668;
    const int32_t one_third = 715827883;
    int32_t x = a + (1 << 28);
    int32_t x2 = bs_srdhm(x, x);
    int32_t x3 = bs_srdhm(x2, x);
    int32_t x4 = bs_srdhm(x2, x2);
    int32_t poly = bs_rdbpot(bs_srdhm(bs_rdbpot(x4, 2) + x3, one_third) + x2, 1);
    return exp_minus_one_eighth + bs_srdhm(exp_minus_one_eighth, x + poly);
}

/* exp(a) in Q0.31 for a <= 0 in Q5.26: gemmlowp's exp_on_negative_values. */
static int32_t bs_exp_negative(int32_t a) {
    static const int32_t exp_of_minus_powers_of_two[7] = {
        1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242};
    const int32_t one_quarter = 1 << 24;
    int32_t a_mod = (a & (one_quarter - 1)) - one_quarter;
    int32_t result = bs_exp_quarter(bs_saturating_shift_left(a_mod, 5));
    int32_t remainder = a_mod - a;
    int32_t k;
    for (k = 0; k < 7; k++) {
        if ((remainder & (1 << (24 + k))) != 0) {
            result = bs_srdhm(result, exp_of_minus_powers_of_two[k]);
        }
    }
    return a == 0 ? INT32_MAX : result;
}

/* 1 / (1 + x) for x in [0, 1), Q0.31: three Newton-Raphson steps in Q2.29. */
static int32_t bs_one_over_one_plus_x(int32_t a) {
    int64_t sum = (int64_t) a + INT32_MAX;
    int32_t half_denominator = (int32_t) ((sum + (sum >= 0 ? 1 : -1)) / 2);
    int32_t x = 1515870810 + bs_srdhm(half_denominator, -1010580540);
    int32_t i;
    for (i = 0; i < 3; i++) {
        int32_t one_minus = (1 << 29) - bs_srdhm(half_denominator, x);
        x = x + bs_saturating_shift_left(bs_srdhm(x, one_minus), 2);
    }
    return bs_saturating_shift_left(x, 1);
}

static int32_t bs_softmax_exp(const bs_softmax_fixed_params *p, int32_t d) {
    return bs_exp_negative(bs_srdhm(d * (1 << p->input_left_shift), p->input_multiplier));
}

void bs_softmax_fixed(const bs_softmax_fixed_params *p, const int8_t *in, int8_t *out, int32_t n) {
    int32_t base;
    for (base = 0; base < n; base += p->row_length) {
        int32_t max = -128;
        uint32_t sum = 0; /* Q12.19 */
        int32_t j, headroom, exponent, reciprocal;
        for (j = 0; j < p->row_length; j++) {
            max = in[base + j] > max ? in[base + j] : max;
        }
        for (j = 0; j < p->row_length; j++) {
            int32_t d = in[base + j] - max;
            if (d >= p->diff_min) {
                sum += (uint32_t) bs_rdbpot(bs_softmax_exp(p, d), 12);
            }
        }
        headroom = 0;
        while (headroom < 32 && (sum & ((uint32_t) 1 << (31 - headroom))) == 0) {
            headroom++;
        }
        reciprocal = bs_one_over_one_plus_x((int32_t) ((sum << headroom) - ((uint32_t) 1 << 31)));
        exponent = 12 - headroom + 31 - 8;
        for (j = 0; j < p->row_length; j++) {
            int32_t d = in[base + j] - max;
            out[base + j] = d >= p->diff_min
                    ? bs_clamp8(bs_rdbpot(bs_srdhm(reciprocal, bs_softmax_exp(p, d)), exponent) - 128, -128, 127)
                    : (int8_t) -128;
        }
    }
}

void bs_requantize(const bs_requantize_params *p, const int8_t *in, int8_t *out, int32_t n) {
    int32_t i;
    for (i = 0; i < n; i++) {
        out[i] = bs_clamp8(bs_multiply(in[i] - p->input_zero_point, p->multiplier, p->shift, p->rounding)
                           + p->output_zero_point, -128, 127);
    }
}
