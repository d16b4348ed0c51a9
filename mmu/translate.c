/* Linear to physical translation, SDM vol. 3A chapter 4 (32-bit paging, 4.3), with the
 * page-fault error code of 4.7 and the A/D rules of 4.8. With CR0.PG clear, the identity
 * with the A20 gate and the address bus of the model applied. A 4 MiB page (CR4.PSE, the
 * P6 model) whose PDE has bits 21:13 set is a reserved-bit fault (RSVD): the models have
 * no PSE-36, which would give those bits a meaning. */
#include "machine/machine.h"
#include "mmu/mem.h"
#include "mmu/translate.h"

#define PTE_P 0x001u
#define PTE_W 0x002u
#define PTE_U 0x004u
#define PTE_A 0x020u
#define PTE_D 0x040u
#define PTE_PS 0x080u
#define PTE_G 0x100u
#define CR0_WP 0x00010000u
#define CR0_PG 0x80000000u
#define CR4_PSE 0x10u
#define CR4_PGE 0x80u
#define PDE_4M_RESERVED 0x003FE000u /* bits 21:13 */
#define PF_RSVD 0x8u

unsigned mmu_user_bit(const struct machine *m) { return m->cpu.cpl == 3 ? ACCESS_USER : 0; }

/* `cause`: 0 for a page not present, 1 (P) for a protection violation, P | RSVD for a
 * reserved bit; the access adds W/R and U/S. */
static _Noreturn void page_fault(struct machine *m, uint32_t lin, unsigned kind, uint32_t cause)
{
    uint32_t error = cause | ((kind & ACCESS_WRITE) ? 2u : 0u) | ((kind & ACCESS_USER) ? 4u : 0u);
    m->cpu.cr[2] = lin;
    cpu_raise(m, EXC_PF, error);
}

static uint32_t pt_read(struct machine *m, uint32_t phys) { return phys_read(m, phys, 4); }
static void pt_write(struct machine *m, uint32_t phys, uint32_t v) { phys_write(m, phys, v, 4); }

struct translation mmu_walk(struct machine *m, uint32_t lin, unsigned kind)
{
    struct cpu *c = &m->cpu;
    struct translation t = { 0 };
    if (!(c->cr[0] & CR0_PG)) {
        t.phys = lin & m->mem.a20_mask & m->mem.bus_mask;
        t.user_ok = t.write_ok = t.dirty = true;
        return t;
    }
    bool write = kind & ACCESS_WRITE, user = kind & ACCESS_USER;
    uint32_t pde_addr = (c->cr[3] & 0xFFFFF000u) | ((lin >> 20) & 0xFFC);
    uint32_t pde = pt_read(m, pde_addr);
    if (!(pde & PTE_P))
        page_fault(m, lin, kind, 0);
    uint32_t pte_addr = 0, pte, flags;
    bool big = (pde & PTE_PS) && (c->cr[4] & CR4_PSE);
    if (big) {
        if (pde & PDE_4M_RESERVED)
            page_fault(m, lin, kind, 1 | PF_RSVD);
        pte = pde;
        flags = pde;
        t.phys = (pde & 0xFFC00000u) | (lin & 0x003FFFFFu);
    } else {
        pte_addr = (pde & 0xFFFFF000u) | ((lin >> 10) & 0xFFC);
        pte = pt_read(m, pte_addr);
        if (!(pte & PTE_P))
            page_fault(m, lin, kind, 0);
        flags = pde & pte; /* U and W must be granted at both levels */
        t.phys = (pte & 0xFFFFF000u) | (lin & 0xFFF);
    }
    t.user_ok = (flags & PTE_U) != 0;
    /* Supervisor writes ignore R/W unless CR0.WP (486 and later) says otherwise. */
    bool wp = (c->cr[0] & CR0_WP) && c->model->id >= CPU_486;
    t.write_ok = user ? (flags & PTE_W) != 0 : ((flags & PTE_W) || !wp);
    if (user && !t.user_ok)
        page_fault(m, lin, kind, 1);
    if (write && !t.write_ok)
        page_fault(m, lin, kind, 1);
    /* The access is allowed: set A at each level, and D in the last one for a write. */
    if (!(pde & PTE_A) || (big && write && !(pde & PTE_D))) {
        pde |= PTE_A | ((big && write) ? PTE_D : 0);
        pt_write(m, pde_addr, pde);
    }
    if (!big && (!(pte & PTE_A) || (write && !(pte & PTE_D)))) {
        pte |= PTE_A | (write ? PTE_D : 0);
        pt_write(m, pte_addr, pte);
    }
    t.dirty = ((big ? pde : pte) & PTE_D) != 0;
    t.global = (pte & PTE_G) && (c->cr[4] & CR4_PGE) && c->model->id >= CPU_P6;
    t.phys &= m->mem.bus_mask;
    return t;
}

uint32_t mmu_translate(struct machine *m, uint32_t lin, unsigned kind)
{
    return mmu_walk(m, lin, kind).phys;
}

uint32_t mmu_translate_fetch(struct machine *m, uint32_t lin)
{
    return mmu_translate(m, lin, ACCESS_FETCH | mmu_user_bit(m));
}

bool mmu_peek(struct machine *m, uint32_t lin, uint32_t *phys)
{
    struct cpu *c = &m->cpu;
    if (!(c->cr[0] & CR0_PG)) {
        *phys = lin & m->mem.a20_mask & m->mem.bus_mask;
        return true;
    }
    uint32_t pde = pt_read(m, (c->cr[3] & 0xFFFFF000u) | ((lin >> 20) & 0xFFC));
    if (!(pde & PTE_P))
        return false;
    if ((pde & PTE_PS) && (c->cr[4] & CR4_PSE)) {
        *phys = (pde & 0xFFC00000u) | (lin & 0x003FFFFFu);
        return true;
    }
    uint32_t pte = pt_read(m, (pde & 0xFFFFF000u) | ((lin >> 10) & 0xFFC));
    if (!(pte & PTE_P))
        return false;
    *phys = (pte & 0xFFFFF000u) | (lin & 0xFFF);
    return true;
}

int mmu_translate_debug(struct machine *m, uint32_t lin, uint32_t *phys)
{
    return mmu_peek(m, lin, phys) ? 1 : 0;
}
