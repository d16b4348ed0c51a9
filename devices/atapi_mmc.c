/* The MMC-3 (T10 1363-D) information commands of the ATAPI drive, answered for a
 * one-track, one-session data disc: READ TOC/PMA/ATIP (6.1.26), MODE SENSE(10) pages,
 * GET CONFIGURATION (6.1.4), GET EVENT STATUS NOTIFICATION (6.1.5), READ DISC
 * INFORMATION (6.1.18) and MECHANISM STATUS (6.1.9). */
#include <string.h>

#include "devices/atapi_internal.h"
#include "devices/ide_internal.h"

/* An address in a TOC: LBA, or MSF counting the 2-second pregap (MMC-3 table 363). */
static void put_addr(uint8_t *p, uint32_t lba, bool msf)
{
    if (!msf) {
        put_be32(p, lba);
        return;
    }
    lba += 150;
    p[0] = 0;
    p[1] = (uint8_t)(lba / (60 * 75));
    p[2] = (uint8_t)(lba / 75 % 60);
    p[3] = (uint8_t)(lba % 75);
}

/* READ TOC/PMA/ATIP (MMC-3 6.1.26) for a one-track, one-session data disc. */
void atapi_read_toc(struct ide_drive *d, const uint8_t *cdb)
{
    if (!atapi_medium_ready(d)) {
        atapi_not_ready(d);
        return;
    }
    bool msf = (cdb[1] & 2) != 0;
    unsigned format = cdb[2] & 0x0F;
    if (format == 0)
        format = cdb[9] >> 6; /* the older SFF-8020 place for the format */
    unsigned track = cdb[6];
    uint32_t end = atapi_disc_sectors(d);
    uint8_t *b = d->buf;
    uint32_t len;
    memset(b, 0, 64);
    switch (format) {
    case 0: { /* TOC: track 1 and the lead-out */
        if (track > 1 && track != 0xAA) {
            atapi_invalid_field(d);
            return;
        }
        uint8_t *p = b + 4;
        if (track <= 1) {
            p[1] = 0x14; /* ADR 1, data track */
            p[2] = 1;
            put_addr(p + 4, 0, msf);
            p += 8;
        }
        p[1] = 0x14;
        p[2] = 0xAA;
        put_addr(p + 4, end, msf);
        p += 8;
        len = (uint32_t)(p - b);
        b[2] = 1;
        b[3] = 1;
        break;
    }
    case 1: /* session information: the first track of the last session */
        b[2] = 1;
        b[3] = 1;
        b[5] = 0x14;
        b[6] = 1;
        put_addr(b + 8, 0, msf);
        len = 12;
        break;
    case 2: { /* full TOC: points A0, A1, A2 and track 1, addresses always in MSF */
        static const uint8_t points[4] = { 0xA0, 0xA1, 0xA2, 0x01 };
        b[2] = 1;
        b[3] = 1;
        for (unsigned k = 0; k < 4; k++) {
            uint8_t *p = b + 4 + 11 * k;
            p[0] = 1;      /* session */
            p[1] = 0x14;
            p[3] = points[k];
            if (points[k] == 0xA0 || points[k] == 0xA1) {
                p[8] = 1;  /* first / last track number; PSEC 0 = CD-ROM disc */
            } else {
                uint8_t t[4];
                put_addr(t, points[k] == 0xA2 ? end : 0, true);
                memcpy(p + 8, t + 1, 3);
            }
        }
        len = 4 + 4 * 11;
        break;
    }
    default:
        atapi_invalid_field(d);
        return;
    }
    put_be16(b, len - 2);
    atapi_reply(d, len, be16(cdb + 7));
}

/* MODE SENSE(10) (SPC-2 7.9): the error recovery page and the MMC capabilities page. */
static uint32_t mode_page(struct ide_drive *d, uint8_t *p, unsigned page, bool changeable)
{
    uint32_t len;
    if (page == 0x01) { /* read/write error recovery */
        memset(p, 0, 8);
        p[0] = 0x01;
        p[1] = 6;
        p[3] = 5; /* read retry count */
        len = 8;
    } else { /* 0x2A: CD/DVD capabilities and mechanical status (MMC-3 6.3.11) */
        memset(p, 0, 20);
        p[0] = 0x2A;
        p[1] = 18;
        p[2] = 0x0B;                 /* reads CD-R, CD-RW, DVD-ROM */
        p[4] = 0x71;                 /* audio play, mode 2 form 1/2, multisession */
        p[6] = (uint8_t)(0x29 | (d->atapi.locked ? 0x02 : 0)); /* tray, eject, lock */
        put_be16(p + 8, 2816);       /* max read speed, kB/s (16x) */
        put_be16(p + 10, 256);       /* volume levels */
        put_be16(p + 12, 512);       /* buffer, KiB */
        put_be16(p + 14, 2816);      /* current read speed */
        len = 20;
    }
    if (changeable)
        memset(p + 2, 0, len - 2); /* nothing can be changed */
    return len;
}

void atapi_mode_sense(struct ide_drive *d, const uint8_t *cdb)
{
    unsigned pc = cdb[2] >> 6, page = cdb[2] & 0x3F;
    if (pc == 3) {
        atapi_check_condition(d, SK_ILLEGAL_REQUEST, ASC_SAVING_NOT_SUPPORTED, 0);
        return;
    }
    if (page != 0x01 && page != 0x2A && page != 0x3F) {
        atapi_invalid_field(d);
        return;
    }
    uint8_t *b = d->buf;
    memset(b, 0, 8);
    /* medium type: 120 mm data disc, door closed without a disc, or door open */
    b[2] = atapi_medium_ready(d) ? 0x01 : d->atapi.tray_open ? 0x71 : 0x70;
    uint32_t len = 8;
    if (page == 0x01 || page == 0x3F)
        len += mode_page(d, b + len, 0x01, pc == 1);
    if (page == 0x2A || page == 0x3F)
        len += mode_page(d, b + len, 0x2A, pc == 1);
    put_be16(b, len - 2);
    atapi_reply(d, len, be16(cdb + 7));
}

/* GET CONFIGURATION (MMC-3 5.2, 6.1.4): the profile list, core (ATAPI), morphing,
 * removable medium, random readable, and CD read or DVD read. */
static uint32_t feature(uint8_t *p, unsigned code, bool current, const uint8_t *data,
                        unsigned len, unsigned version)
{
    put_be16(p, code);
    p[2] = (uint8_t)(version << 2 | (code <= 3 ? 0x02 : 0) | (current ? 1 : 0));
    p[3] = (uint8_t)len;
    memcpy(p + 4, data, len);
    return 4 + len;
}

void atapi_get_configuration(struct ide_drive *d, const uint8_t *cdb)
{
    unsigned rt = cdb[1] & 3, start = be16(cdb + 2);
    if (rt == 3) {
        atapi_invalid_field(d);
        return;
    }
    bool ready = atapi_medium_ready(d), dvd = ready && atapi_is_dvd(d);
    uint16_t profile = !ready ? 0 : dvd ? 0x0010 : 0x0008;
    const uint8_t profiles[8] = { 0x00, 0x10, dvd ? 1 : 0, 0, 0x00, 0x08, ready && !dvd ? 1 : 0, 0 };
    const uint8_t core[8] = { 0, 0, 0, 2 /* ATAPI */, 0, 0, 0, 0 };
    const uint8_t morphing[4] = { 0 };
    const uint8_t removable[4] = { 0x29 }; /* tray, eject, lock */
    const uint8_t readable[8] = { 0, 0, 0x08, 0x00, 0, dvd ? 16 : 1, 0, 0 }; /* 2048-byte blocks */
    const uint8_t zero[4] = { 0 };
    struct { unsigned code; bool current; const uint8_t *data; unsigned len, version; } f[] = {
        { 0x0000, true, profiles, 8, 0 },
        { 0x0001, true, core, 8, 1 },
        { 0x0002, true, morphing, 4, 1 },
        { 0x0003, true, removable, 4, 0 },
        { 0x0010, ready, readable, 8, 0 },
        { 0x001E, ready && !dvd, zero, 4, 0 },
        { 0x001F, dvd, zero, 0, 0 },
    };
    uint8_t *b = d->buf;
    memset(b, 0, 8);
    uint32_t len = 8;
    for (unsigned k = 0; k < sizeof f / sizeof f[0]; k++) {
        bool wanted = rt == 2 ? f[k].code == start : f[k].code >= start && (rt == 0 || f[k].current);
        if (wanted)
            len += feature(b + len, f[k].code, f[k].current, f[k].data, f[k].len, f[k].version);
    }
    put_be32(b, len - 4);
    put_be16(b + 6, profile);
    atapi_reply(d, len, be16(cdb + 7));
}

/* GET EVENT STATUS NOTIFICATION (MMC-3 6.1.5), polled, media class only. */
void atapi_get_event_status(struct ide_drive *d, const uint8_t *cdb)
{
    if (!(cdb[1] & 1)) { /* asynchronous notification is not supported */
        atapi_invalid_field(d);
        return;
    }
    uint8_t *b = d->buf;
    memset(b, 0, 8);
    b[3] = 0x10; /* supported classes: media */
    uint32_t len = 4;
    if (cdb[4] & 0x10) {
        b[2] = 0x04; /* media class */
        b[4] = d->atapi.media_event;
        b[5] = (uint8_t)((atapi_medium_ready(d) ? 0x02 : 0) | (d->atapi.tray_open ? 0x01 : 0));
        d->atapi.media_event = 0;
        len = 8;
    } else {
        b[2] = 0x80; /* no event available of the classes asked for */
    }
    put_be16(b, len - 2);
    atapi_reply(d, len, be16(cdb + 7));
}

/* READ DISC INFORMATION (MMC-3 6.1.18): a complete, closed one-session disc. */
void atapi_read_disc_info(struct ide_drive *d, const uint8_t *cdb)
{
    if (!atapi_medium_ready(d)) {
        atapi_not_ready(d);
        return;
    }
    if (cdb[1] & 7) {
        atapi_invalid_field(d);
        return;
    }
    uint8_t *b = d->buf;
    memset(b, 0, 34);
    put_be16(b, 32);
    b[2] = 0x0E;   /* last session complete, disc complete */
    b[3] = 1;      /* first track */
    b[4] = 1;      /* sessions */
    b[5] = 1;      /* first track of the last session */
    b[6] = 1;      /* last track of the last session */
    memset(b + 16, 0xFF, 8); /* no lead-in / lead-out times: a pressed disc */
    atapi_reply(d, 34, be16(cdb + 7));
}

void atapi_mechanism_status(struct ide_drive *d, const uint8_t *cdb)
{
    uint8_t *b = d->buf;
    memset(b, 0, 8);
    b[1] = d->atapi.tray_open ? 0x10 : 0x00;
    atapi_reply(d, 8, be16(cdb + 8));
}
