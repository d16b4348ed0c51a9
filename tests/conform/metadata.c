/* Reads a SingleStepTests metadata.json (schema in shared/conformance/8086/README.md,
 * "Undefined flags"; the 80286 file adds "arch", which is not needed here). Keys are
 * "XX" for one-byte opcodes and "0FXX" for the 0F map; group opcodes carry a "reg"
 * object keyed "0".."7". */
#include "metadata.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "loadfile.h"

static const struct {
    const char *name;
    enum md_status status;
} status_names[] = {
    {"normal", MD_NORMAL},         {"prefix", MD_PREFIX}, {"alias", MD_ALIAS},
    {"undocumented", MD_UNDOCUMENTED}, {"undefined", MD_UNDEFINED}, {"fpu", MD_FPU},
    {"extension", MD_EXTENSION},
};

const char *md_status_name(enum md_status s)
{
    for (size_t i = 0; i < sizeof status_names / sizeof status_names[0]; i++)
        if (status_names[i].status == s)
            return status_names[i].name;
    return s == MD_UNLISTED ? "unlisted" : "other";
}

static int hexdigit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int parse_hex_byte(const char *s)
{
    int hi = hexdigit(s[0]), lo = hi < 0 ? -1 : hexdigit(s[1]);
    return lo < 0 ? -1 : hi << 4 | lo;
}

/* One {"status": ..., "flags-mask": ...} object. */
static int read_entry(const struct json_value *v, struct md_entry *e, const char *key,
                      char *err, size_t errlen)
{
    if (v->type != JSON_OBJECT) {
        snprintf(err, errlen, "offset %zu: opcode entry \"%s\" is not an object", v->offset, key);
        return -1;
    }
    e->status = MD_NORMAL;
    e->flags_mask = 0xFFFF;
    const struct json_value *st = json_get(v, "status");
    if (st) {
        if (st->type != JSON_STRING) {
            snprintf(err, errlen, "offset %zu: \"%s\".status is not a string", st->offset, key);
            return -1;
        }
        e->status = MD_OTHER;
        for (size_t i = 0; i < sizeof status_names / sizeof status_names[0]; i++)
            if (strcmp(st->u.str.s, status_names[i].name) == 0)
                e->status = (uint8_t)status_names[i].status;
    }
    const struct json_value *mask = json_get(v, "flags-mask");
    if (mask) {
        uint64_t m;
        if (!json_uint(mask, 0xFFFF, &m)) {
            snprintf(err, errlen, "offset %zu: \"%s\".flags-mask is not an integer 0..65535",
                     mask->offset, key);
            return -1;
        }
        e->flags_mask = (uint16_t)m;
    }
    return 0;
}

static int read_opcodes(const struct json_value *ops, struct metadata *md, char *err,
                        size_t errlen)
{
    for (size_t i = 0; i < ops->u.obj.count; i++) {
        const struct json_member *m = &ops->u.obj.members[i];
        int map, op;
        if (m->key_len == 2 && (op = parse_hex_byte(m->key)) >= 0) {
            map = 0;
        } else if (m->key_len == 4 && parse_hex_byte(m->key) == 0x0F &&
                   (op = parse_hex_byte(m->key + 2)) >= 0) {
            map = 1;
        } else {
            continue; /* a map this runner has no tests for */
        }
        struct md_opcode *o = &md->op[map][op];
        if (read_entry(&m->value, &o->whole, m->key, err, errlen))
            return -1;
        if (!json_get(&m->value, "status"))
            o->whole.status = MD_UNLISTED; /* only per-reg entries */
        const struct json_value *reg = json_get(&m->value, "reg");
        if (!reg)
            continue;
        if (reg->type != JSON_OBJECT) {
            snprintf(err, errlen, "offset %zu: \"%s\".reg is not an object", reg->offset, m->key);
            return -1;
        }
        o->has_reg = true;
        for (int r = 0; r < 8; r++)
            o->reg[r] = o->whole;
        for (size_t k = 0; k < reg->u.obj.count; k++) {
            const struct json_member *rm = &reg->u.obj.members[k];
            if (rm->key_len != 1 || rm->key[0] < '0' || rm->key[0] > '7') {
                snprintf(err, errlen, "offset %zu: \"%s\".reg key \"%s\" is not 0..7",
                         rm->value.offset, m->key, rm->key);
                return -1;
            }
            if (read_entry(&rm->value, &o->reg[rm->key[0] - '0'], m->key, err, errlen))
                return -1;
        }
    }
    return 0;
}

int metadata_load(const char *path, struct metadata *md, char *err, size_t errlen)
{
    memset(md, 0, sizeof *md);
    for (int map = 0; map < 2; map++)
        for (int op = 0; op < 256; op++) {
            md->op[map][op].whole = (struct md_entry){MD_UNLISTED, 0xFFFF};
            for (int r = 0; r < 8; r++)
                md->op[map][op].reg[r] = md->op[map][op].whole;
        }
    uint8_t *data;
    size_t len;
    if (load_whole_file(path, &data, &len, err, errlen))
        return -1;
    struct json_value root;
    int rc = json_parse((const char *)data, len, &root, err, errlen);
    free(data);
    if (rc)
        return -1;
    const struct json_value *ops = json_get(&root, "opcodes");
    if (!ops || ops->type != JSON_OBJECT) {
        snprintf(err, errlen, "offset %zu: no \"opcodes\" object", root.offset);
        rc = -1;
    } else {
        rc = read_opcodes(ops, md, err, errlen);
    }
    const struct json_value *cpu = json_get(&root, "cpu");
    if (rc == 0 && cpu && cpu->type == JSON_STRING)
        snprintf(md->cpu, sizeof md->cpu, "%s", cpu->u.str.s);
    json_free(&root);
    return rc;
}

struct md_entry metadata_lookup(const struct metadata *md, int map, int opcode, int reg)
{
    const struct md_opcode *o = &md->op[map & 1][opcode & 0xFF];
    if (reg >= 0 && reg < 8 && o->has_reg)
        return o->reg[reg];
    return o->whole;
}
