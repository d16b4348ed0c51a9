/* Lazy arithmetic flags: OF SF ZF AF PF CF are kept as the last result plus a packed
 * carry-out vector and computed only when something reads them (the scheme of Bochs's
 * lazy_flags.h). Flag definitions: Intel SDM vol. 1, section 3.4.3 and appendix A.
 *
 *   res  the result, sign-extended to 32 bits:  ZF = (res == 0), SF = bit 31 ^ aux.SD
 *   aux  bit 31 CF, bit 30 CF^OF, bit 3 AF, bits 8..15 a parity delta, bit 0 SD
 *        PF = even parity of (low byte of res) ^ (parity delta)
 * Setting one flag by hand (CLC, SAHF, POPF) adjusts res/aux so every other flag keeps
 * its value; nothing ever switches on "which operation came last". */
#ifndef GLASS86_FLAGS_H
#define GLASS86_FLAGS_H

#include <stdbool.h>
#include <stdint.h>

#define FLAG_CF 0x0001u
#define FLAG_PF 0x0004u
#define FLAG_AF 0x0010u
#define FLAG_ZF 0x0040u
#define FLAG_SF 0x0080u
#define FLAG_TF 0x0100u
#define FLAG_IF 0x0200u
#define FLAG_DF 0x0400u
#define FLAG_OF 0x0800u
#define FLAG_IOPL 0x3000u
#define FLAG_NT 0x4000u
#define FLAG_RF 0x10000u
#define FLAG_VM 0x20000u
#define FLAG_AC 0x40000u
#define FLAG_VIF 0x80000u
#define FLAG_VIP 0x100000u
#define FLAG_ID 0x200000u
#define FLAGS_ARITH (FLAG_CF | FLAG_PF | FLAG_AF | FLAG_ZF | FLAG_SF | FLAG_OF)

#define LF_CF_BIT 31
#define LF_PO_BIT 30
#define LF_AF_MASK 0x08u
#define LF_SD_MASK 0x01u
#define LF_PDB_SHIFT 8

struct lazy_flags {
    uint32_t res;
    uint32_t aux;
};

static inline uint32_t lf_sign_extend(uint32_t v, unsigned width)
{
    unsigned sh = 32 - width;
    return (uint32_t)((int32_t)(v << sh) >> sh);
}

/* Record a result and its carry-out vector (bit n = carry out of bit n). */
static inline void lf_set(struct lazy_flags *lf, uint32_t res, uint32_t cout, unsigned width)
{
    lf->res = lf_sign_extend(res, width);
    lf->aux = (cout & LF_AF_MASK) | ((cout >> (width - 2)) << LF_PO_BIT);
}

/* Carry-out vectors of addition and subtraction (borrow), per bit. */
static inline uint32_t lf_add_cout(uint32_t a, uint32_t b, uint32_t r)
{
    return (a & b) | ((a | b) & ~r);
}
static inline uint32_t lf_sub_cout(uint32_t a, uint32_t b, uint32_t r)
{
    return (~a & b) | ((~a ^ b) & r);
}

static inline void lf_add(struct lazy_flags *lf, uint32_t a, uint32_t b, uint32_t r, unsigned w)
{
    uint32_t mask = w == 32 ? 0xFFFFFFFFu : (1u << w) - 1;
    lf_set(lf, r, lf_add_cout(a, b, r) & mask, w);
}
static inline void lf_sub(struct lazy_flags *lf, uint32_t a, uint32_t b, uint32_t r, unsigned w)
{
    uint32_t mask = w == 32 ? 0xFFFFFFFFu : (1u << w) - 1;
    lf_set(lf, r, lf_sub_cout(a, b, r) & mask, w);
}
/* Logic operations: CF = OF = 0, AF = 0 (undefined, but 0 on every Intel chip). */
static inline void lf_logic(struct lazy_flags *lf, uint32_t r, unsigned w)
{
    lf->res = lf_sign_extend(r, w);
    lf->aux = 0;
}
/* Result-only flags with explicitly given CF, OF and AF (shifts, multiply, BCD). */
static inline void lf_set_explicit(struct lazy_flags *lf, uint32_t r, unsigned w, bool cf, bool of,
                                   bool af)
{
    lf->res = lf_sign_extend(r, w);
    lf->aux = ((uint32_t)cf << LF_CF_BIT) | ((uint32_t)(cf ^ of) << LF_PO_BIT) |
              (af ? LF_AF_MASK : 0);
}

static inline bool lf_cf(const struct lazy_flags *lf) { return lf->aux >> LF_CF_BIT; }
static inline bool lf_of(const struct lazy_flags *lf)
{
    return ((lf->aux >> LF_CF_BIT) ^ (lf->aux >> LF_PO_BIT)) & 1;
}
static inline bool lf_af(const struct lazy_flags *lf) { return (lf->aux & LF_AF_MASK) != 0; }
static inline bool lf_zf(const struct lazy_flags *lf) { return lf->res == 0; }
static inline bool lf_sf(const struct lazy_flags *lf) { return ((lf->res >> 31) ^ lf->aux) & 1; }
static inline bool lf_pf(const struct lazy_flags *lf)
{
    uint32_t b = (lf->res ^ (lf->aux >> LF_PDB_SHIFT)) & 0xFF;
    return !__builtin_parity(b);
}

/* Replace CF, keeping OF (INC/DEC keep the old CF; CLC/STC/CMC). */
static inline void lf_force_cf(struct lazy_flags *lf, bool cf)
{
    uint32_t old = lf->aux >> LF_CF_BIT;
    uint32_t flip = old ^ (uint32_t)cf;
    lf->aux ^= (flip << LF_CF_BIT) | (flip << LF_PO_BIT);
}
static inline void lf_force_of(struct lazy_flags *lf, bool of)
{
    if (lf_of(lf) != of)
        lf->aux ^= 1u << LF_PO_BIT;
}
/* Replace CF and OF at once (rotates): lf_force_cf() then lf_force_of(), in one step. */
static inline void lf_force_cf_of(struct lazy_flags *lf, bool cf, bool of)
{
    lf->aux = (lf->aux & ~(3u << LF_PO_BIT)) | ((uint32_t)cf << LF_CF_BIT) |
              ((uint32_t)(cf ^ of) << LF_PO_BIT);
}

/* Materialise the six flags into an EFLAGS image, and load them back from one. */
static inline uint32_t lf_get(const struct lazy_flags *lf)
{
    return (lf_cf(lf) ? FLAG_CF : 0) | (lf_pf(lf) ? FLAG_PF : 0) | (lf_af(lf) ? FLAG_AF : 0) |
           (lf_zf(lf) ? FLAG_ZF : 0) | (lf_sf(lf) ? FLAG_SF : 0) | (lf_of(lf) ? FLAG_OF : 0);
}
static inline void lf_load(struct lazy_flags *lf, uint32_t flags)
{
    bool cf = flags & FLAG_CF, of = flags & FLAG_OF, zf = flags & FLAG_ZF;
    bool sf = flags & FLAG_SF, pf = flags & FLAG_PF, af = flags & FLAG_AF;
    /* res has a zero low byte (even parity), so PF is carried by the parity delta;
     * when ZF=1 the result is 0 and SF is carried by the sign delta. */
    lf->res = zf ? 0 : ((sf ? 0x80000000u : 0) | 0x100u);
    lf->aux = ((uint32_t)cf << LF_CF_BIT) | ((uint32_t)(cf ^ of) << LF_PO_BIT) |
              (af ? LF_AF_MASK : 0) | (pf ? 0 : (1u << LF_PDB_SHIFT)) | ((zf && sf) ? LF_SD_MASK : 0);
}

/* Condition codes of Jcc/SETcc/CMOVcc (SDM vol. 1, appendix B), by the low nibble. */
static inline bool lf_cond(const struct lazy_flags *lf, unsigned cc)
{
    bool r;
    switch (cc >> 1) {
    case 0: r = lf_of(lf); break;
    case 1: r = lf_cf(lf); break;
    case 2: r = lf_zf(lf); break;
    case 3: r = lf_cf(lf) || lf_zf(lf); break;
    case 4: r = lf_sf(lf); break;
    case 5: r = lf_pf(lf); break;
    case 6: r = lf_sf(lf) != lf_of(lf); break;
    default: r = lf_zf(lf) || (lf_sf(lf) != lf_of(lf)); break;
    }
    return r ^ (cc & 1);
}

#endif
