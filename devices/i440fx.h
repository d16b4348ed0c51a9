/* The i440FX host bridge (Intel 440FX PCIset, 82441FX PCI and Memory Controller, order
 * 290549) at PCI 00:00.0: owner of configuration mechanism #1, the PAM registers that
 * shadow 0xC0000-0xFFFFF between ROM and RAM, the DRAM row boundaries and SMRAM control. */
#ifndef GLASS86_I440FX_H
#define GLASS86_I440FX_H

struct machine;
struct i440fx;

/* Create the PCI bus (m->pci, freed by the machine) and the host bridge on it. NULL when
 * out of memory, the config ports are taken or the device table is full. */
struct i440fx *i440fx_create(struct machine *m);

#endif
