/* What the two halves of the ATAPI drive share: atapi.c runs the PACKET protocol and the
 * data-moving commands, atapi_mmc.c builds the replies of the MMC-3 (T10 1363-D)
 * information commands. Sense codes from SPC-2 tables 107-108 and MMC-3 annex F. */
#ifndef GLASS86_ATAPI_INTERNAL_H
#define GLASS86_ATAPI_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

struct ide_drive;

/* Sense keys and additional sense codes (SPC-2 tables 107 and 108, MMC-3 annex F). */
#define SK_NO_SENSE 0x0
#define SK_NOT_READY 0x2
#define SK_MEDIUM_ERROR 0x3
#define SK_ILLEGAL_REQUEST 0x5
#define SK_UNIT_ATTENTION 0x6
#define ASC_UNRECOVERED_READ 0x11
#define ASC_INVALID_OPCODE 0x20
#define ASC_LBA_OUT_OF_RANGE 0x21
#define ASC_INVALID_FIELD 0x24
#define ASC_MEDIUM_MAY_HAVE_CHANGED 0x28
#define ASC_SAVING_NOT_SUPPORTED 0x39
#define ASC_MEDIUM_NOT_PRESENT 0x3A
#define ASC_REMOVAL_PREVENTED 0x53

/* A disc with more sectors than an 80-minute CD holds is a DVD (MMC profiles 08h/10h). */
#define CD_MAX_SECTORS (80u * 60u * 75u)

/* GET EVENT STATUS NOTIFICATION media event codes (MMC-3 table 89) */
#define EV_NEW_MEDIA 2
#define EV_MEDIA_REMOVAL 3

static inline uint16_t be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static inline uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static inline void put_be16(uint8_t *p, uint32_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static inline void put_be32(uint8_t *p, uint32_t v)
{
    put_be16(p, v >> 16);
    put_be16(p + 2, v);
}

/* atapi.c: the state and endings the replies need */
bool atapi_medium_ready(const struct ide_drive *d);
uint32_t atapi_disc_sectors(const struct ide_drive *d);
bool atapi_is_dvd(const struct ide_drive *d);
/* Send `len` bytes built in the drive's buffer, cut to the host's allocation length. */
void atapi_reply(struct ide_drive *d, uint32_t len, uint32_t alloc);
void atapi_check_condition(struct ide_drive *d, uint8_t key, uint8_t asc, uint8_t ascq);
void atapi_not_ready(struct ide_drive *d);
void atapi_invalid_field(struct ide_drive *d);

/* atapi_mmc.c: one function per command, given the command packet */
void atapi_read_toc(struct ide_drive *d, const uint8_t *cdb);
void atapi_mode_sense(struct ide_drive *d, const uint8_t *cdb);
void atapi_get_configuration(struct ide_drive *d, const uint8_t *cdb);
void atapi_get_event_status(struct ide_drive *d, const uint8_t *cdb);
void atapi_read_disc_info(struct ide_drive *d, const uint8_t *cdb);
void atapi_mechanism_status(struct ide_drive *d, const uint8_t *cdb);

#endif
