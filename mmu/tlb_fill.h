/* The TLB refill used by the memory slow path and the decoder. */
#ifndef GLASS86_TLB_FILL_H
#define GLASS86_TLB_FILL_H

#include <stdint.h>

#include "mmu/tlb.h"
#include "mmu/translate.h"

struct machine;

/* Translate `lin` (raising the access's fault) and cache it. NULL for MMIO/unmapped. */
struct tlb_entry *tlb_fill(struct machine *m, uint32_t lin, unsigned kind);

#endif
