/*
 * Generates x86-fp-vectors.txt: expected results and IEEE flags of edge-heavy operands in the
 * four IEEE rounding modes, computed by the host's SSE/FMA hardware (which, like RISC-V,
 * detects tininess after rounding). Not run by the build; regenerate with
 *   gcc -O0 -mfma -frounding-math -o /tmp/fpv fp-vectors.c -lm && /tmp/fpv > x86-fp-vectors.txt
 * Line format: op a b c  then for RNE, RTZ, RDN, RUP: result flags  (hex; singles as 32-bit).
 * NaN results are printed as the RISC-V canonical NaN (x86 NaN payloads differ).
 * Flags use the RISC-V fflags encoding: NV 16, DZ 8, OF 4, UF 2, NX 1.
 */
#include <fenv.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#pragma STDC FENV_ACCESS ON

static uint64_t state = 0x9e3779b97f4a7c15ull;
static uint64_t next(void) {
    state ^= state << 13; state ^= state >> 7; state ^= state << 17;
    return state;
}

static const int modes[4] = {FE_TONEAREST, FE_TOWARDZERO, FE_DOWNWARD, FE_UPWARD};

static int flags(void) {
    int r = 0;
    if (fetestexcept(FE_INVALID)) r |= 16;
    if (fetestexcept(FE_DIVBYZERO)) r |= 8;
    if (fetestexcept(FE_OVERFLOW)) r |= 4;
    if (fetestexcept(FE_UNDERFLOW)) r |= 2;
    if (fetestexcept(FE_INEXACT)) r |= 1;
    return r;
}

static uint64_t dbits(double d) { uint64_t u; memcpy(&u, &d, 8); if (isnan(d)) u = 0x7ff8000000000000ull; return u; }
static uint32_t fbits(float f) { uint32_t u; memcpy(&u, &f, 4); if (isnan(f)) u = 0x7fc00000u; return u; }
static double dval(uint64_t u) { double d; memcpy(&d, &u, 8); return d; }
static float fval(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }

/* Exponent choices that reach the subnormal, underflow and overflow edges. */
static double rand_double(void) {
    uint64_t r = next();
    uint64_t frac = next() & 0xfffffffffffffull;
    if (r % 4 == 0) frac &= ~0ull << (next() % 53);
    if (r % 7 == 0) frac |= 0xffffffffff000ull;
    int64_t e;
    switch ((r >> 8) % 8) {
    case 0: e = 0; break;
    case 1: e = 1 + (int64_t)(next() % 3); break;
    case 2: e = 2046 - (int64_t)(next() % 3); break;
    case 3: e = 1023 - 511 + (int64_t)(next() % 3); break;
    case 4: e = 1023 + 511 + (int64_t)(next() % 3); break;
    case 5: e = 1023 - 1 + (int64_t)(next() % 3); break;
    default: e = 1 + (int64_t)(next() % 2046); break;
    }
    uint64_t sign = (r >> 20) & 1 ? 0x8000000000000000ull : 0;
    return dval(sign | (uint64_t)e << 52 | frac);
}

static float rand_float(void) {
    uint64_t r = next();
    uint32_t frac = next() & 0x7fffff;
    if (r % 4 == 0) frac &= ~0u << (next() % 24);
    if (r % 7 == 0) frac |= 0x7ff000;
    int e;
    switch ((r >> 8) % 8) {
    case 0: e = 0; break;
    case 1: e = 1 + (int)(next() % 3); break;
    case 2: e = 254 - (int)(next() % 3); break;
    case 3: e = 127 - 63 + (int)(next() % 3); break;
    case 4: e = 127 + 63 + (int)(next() % 3); break;
    case 5: e = 127 - 1 + (int)(next() % 3); break;
    default: e = 1 + (int)(next() % 254); break;
    }
    uint32_t sign = (r >> 20) & 1 ? 0x80000000u : 0;
    return fval(sign | (uint32_t)e << 23 | frac);
}

static volatile double va, vb, vc, vr;
static volatile float fa, fb, fc, fr;

static void run_d(const char *op, double a, double b, double c) {
    printf("%s %016llx %016llx %016llx", op, (unsigned long long)dbits(a), (unsigned long long)dbits(b),
           (unsigned long long)dbits(c));
    for (int m = 0; m < 4; m++) {
        fesetround(modes[m]);
        feclearexcept(FE_ALL_EXCEPT);
        va = a; vb = b; vc = c;
        if (!strcmp(op, "fadd.d")) vr = va + vb;
        else if (!strcmp(op, "fsub.d")) vr = va - vb;
        else if (!strcmp(op, "fmul.d")) vr = va * vb;
        else if (!strcmp(op, "fdiv.d")) vr = va / vb;
        else if (!strcmp(op, "fsqrt.d")) vr = sqrt(va);
        else if (!strcmp(op, "fmadd.d")) vr = fma(va, vb, vc);
        else if (!strcmp(op, "fcvt.s.d")) { fr = (float) va; vr = 0; }
        int f = flags();
        fesetround(FE_TONEAREST);
        if (!strcmp(op, "fcvt.s.d")) printf(" %08x %d", fbits(fr), f);
        else printf(" %016llx %d", (unsigned long long)dbits(vr), f);
    }
    printf("\n");
}

static void run_s(const char *op, float a, float b, float c) {
    printf("%s %08x %08x %08x", op, fbits(a), fbits(b), fbits(c));
    for (int m = 0; m < 4; m++) {
        fesetround(modes[m]);
        feclearexcept(FE_ALL_EXCEPT);
        fa = a; fb = b; fc = c;
        if (!strcmp(op, "fadd.s")) fr = fa + fb;
        else if (!strcmp(op, "fsub.s")) fr = fa - fb;
        else if (!strcmp(op, "fmul.s")) fr = fa * fb;
        else if (!strcmp(op, "fdiv.s")) fr = fa / fb;
        else if (!strcmp(op, "fsqrt.s")) fr = sqrtf(fa);
        else if (!strcmp(op, "fmadd.s")) fr = fmaf(fa, fb, fc);
        int f = flags();
        fesetround(FE_TONEAREST);
        printf(" %08x %d", fbits(fr), f);
    }
    printf("\n");
}

int main(void) {
    for (int i = 0; i < 300; i++) {
        double a = rand_double(), b = rand_double(), c = rand_double();
        double scaled = ldexp(a, -(int)(next() % 1100)); /* pushes a product or sum into underflow */
        run_d("fadd.d", a, (i & 1) ? b : -scaled, 0);
        run_d("fsub.d", a, b, 0);
        run_d("fmul.d", a, (i & 1) ? b : ldexp(b, -(int)(next() % 1100)), 0);
        run_d("fdiv.d", a, b, 0);
        run_d("fsqrt.d", fabs(a), 0, 0);
        run_d("fmadd.d", a, b, (i % 3 == 0) ? -(a * b) : c);
        run_d("fcvt.s.d", ldexp(a, -(int)(next() % 1100) + 550), 0, 0);
        float x = rand_float(), y = rand_float(), z = rand_float();
        run_s("fadd.s", x, y, 0);
        run_s("fsub.s", x, (i & 1) ? y : ldexpf(x, -(int)(next() % 20)), 0);
        run_s("fmul.s", x, (i & 1) ? y : ldexpf(y, -(int)(next() % 150)), 0);
        run_s("fdiv.s", x, y, 0);
        run_s("fsqrt.s", fabsf(x), 0, 0);
        run_s("fmadd.s", x, y, (i % 3 == 0) ? -(x * y) : z);
    }
    return 0;
}
