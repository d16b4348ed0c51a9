/* Linear to physical translation (SDM vol. 3A, chapter 4). With paging off this is the
 * identity with the A20 gate and the address bus applied; the two-level page walk of
 * the 386 and later arrives with the protected-mode issue. */
#ifndef GLASS86_TRANSLATE_H
#define GLASS86_TRANSLATE_H

#include <stdint.h>

struct machine;

enum access_kind { ACCESS_READ = 0, ACCESS_WRITE = 1, ACCESS_FETCH = 2 };

/* Translate or raise the fault the access would raise. */
uint32_t mmu_translate(struct machine *m, uint32_t lin, enum access_kind kind);

#endif
