/* Linear to physical translation: identity, A20 gate and bus width while CR0.PG is clear
 * (SDM vol. 3A, 4.1). MOV CR0 refuses to set PG until the page walk is written, so the
 * paging branch cannot be reached yet. */
#include "machine/machine.h"
#include "mmu/mem.h"
#include "mmu/translate.h"

uint32_t mmu_translate(struct machine *m, uint32_t lin, enum access_kind kind)
{
    (void)kind;
    return lin & m->mem.a20_mask & m->mem.bus_mask;
}

uint32_t mmu_translate_fetch(struct machine *m, uint32_t lin)
{
    return mmu_translate(m, lin, ACCESS_FETCH);
}

int mmu_translate_debug(struct machine *m, uint32_t lin, uint32_t *phys)
{
    *phys = lin & m->mem.a20_mask & m->mem.bus_mask;
    return 1;
}
