/* One file, start to end (see filerun.h): load it, work out each test's instruction form
 * to find its metadata entry (skipping undefined forms and revoked tests), run it, and
 * summarise. Only the file's own report is written, so workers never share anything. */
#include "filerun.h"

#include <stdio.h>
#include <string.h>

#include "loadfile.h"
#include "opkey.h"

/* The mnemonic to show for a file: META's, else the commonest first word of the test
 * names once prefixes ("lock", "rep", "cs") are set aside. */
static void file_mnemonic(const struct tc_file *f, char *out, size_t outlen)
{
    if (f->mnemonic[0]) {
        snprintf(out, outlen, "%s", f->mnemonic);
        return;
    }
    static const char *const skip[] = {"lock", "rep", "repe", "repz", "repne", "repnz",
                                       "cs", "ds", "es", "ss", "fs", "gs"};
    struct { char word[16]; unsigned n; } seen[16];
    unsigned nseen = 0, best = 0;
    out[0] = '\0';
    for (size_t i = 0; i < f->count; i++) {
        const char *p = test_name(f, &f->tests[i]);
        for (;;) {
            while (*p == ' ')
                p++;
            size_t len = strcspn(p, " ");
            if (!len)
                break;
            bool is_prefix = false;
            for (size_t k = 0; k < sizeof skip / sizeof skip[0]; k++) {
                size_t sl = strlen(skip[k]);
                if ((len == sl || (len == sl + 1 && p[sl] == ':')) && strncmp(p, skip[k], sl) == 0)
                    is_prefix = true;
            }
            if (!is_prefix) {
                if (len >= sizeof seen[0].word)
                    break;
                unsigned k;
                for (k = 0; k < nseen; k++)
                    if (strlen(seen[k].word) == len && strncmp(seen[k].word, p, len) == 0)
                        break;
                if (k == nseen && nseen < 16) {
                    memcpy(seen[k].word, p, len);
                    seen[k].word[len] = '\0';
                    seen[k].n = 0;
                    nseen++;
                }
                if (k < nseen && ++seen[k].n > best) {
                    best = seen[k].n;
                    snprintf(out, outlen, "%s", seen[k].word);
                }
                break;
            }
            p += len;
        }
    }
    for (char *c = out; *c; c++)
        if (*c < 0x20 || *c >= 0x7F)
            *c = '?';
}

/* The instruction form of a test and its metadata entry. */
static struct md_entry test_form(const struct metadata *md, const struct suite_rules *rules,
                                 const struct opkey *file_key, const struct tc_file *f,
                                 const struct tc_test *t, struct opkey *k)
{
    const uint8_t *b = tc_bytes(f, t);
    if (file_key) {
        *k = *file_key;
    } else if (!opkey_from_bytes(b, t->bytes_len, rules->has_0f_map, rules->prefixes_386,
                                 false, k)) {
        *k = (struct opkey){0, 0, -1};
        return (struct md_entry){MD_UNLISTED, 0xFFFF};
    }
    /* Files such as 8F, C6 and C7 hold every reg form of a group opcode; F6/F7 matter
     * for the divide-error rule even without metadata. */
    bool group = md ? md->op[k->map][k->opcode].has_reg
                    : k->map == 0 && (k->opcode == 0xF6 || k->opcode == 0xF7);
    if (k->reg < 0 && group)
        k->reg = opkey_reg_from_bytes(b, t->bytes_len, k, rules->prefixes_386);
    if (!md)
        return (struct md_entry){MD_UNLISTED, 0xFFFF};
    return metadata_lookup(md, k->map, k->opcode, k->reg);
}

/* The form of the instruction that hit an unimplemented opcode (which may be another
 * than the test's own, e.g. in an exception handler). */
static bool unimplemented_form(const struct metadata *md, const struct suite_rules *rules,
                               const uint8_t bytes[16], struct opkey *k)
{
    if (!opkey_from_bytes(bytes, 16, rules->has_0f_map, rules->prefixes_386, false, k))
        return false;
    if (md && md->op[k->map][k->opcode].has_reg)
        k->reg = opkey_reg_from_bytes(bytes, 16, k, rules->prefixes_386);
    return true;
}

static bool is_div_form(const struct opkey *k)
{
    return k->map == 0 &&
           (k->opcode == 0xD4 || ((k->opcode == 0xF6 || k->opcode == 0xF7) && k->reg >= 6));
}

static void put_hash(struct sbuf *b, const struct tc_test *t)
{
    if (!t->has_hash)
        return;
    sbuf_printf(b, " ");
    for (int i = 0; i < 20; i++)
        sbuf_printf(b, "%02x", t->hash[i]);
}

void run_file(struct worker *w, const struct options *o, struct job *job)
{
    struct file_report *rep = &job->report;
    struct tc_file f;
    char err[512];
    if (load_test_file(job->path, &f, err, sizeof err)) {
        sbuf_printf(&rep->text, "error: %s: %s\n", job->path, err);
        rep->error = true;
        return;
    }
    const struct metadata *md = job->suite->md;
    struct suite_rules rules = suite_rules_for(f.cpu, md ? md->cpu : NULL, w->model->id);
    struct opkey fkey;
    bool have_key = opkey_from_label(job->label, &fkey);
    struct sbuf first = {0}, details = {0};
    struct test_result res;
    struct expectation *e = &w->ctx.exp;

    for (size_t i = 0; i < f.count; i++) {
        const struct tc_test *t = &f.tests[i];
        struct opkey k;
        struct md_entry ent = test_form(md, &rules, have_key ? &fkey : NULL, &f, t, &k);
        if ((ent.status == MD_UNDEFINED && !o->run_undefined) ||
            (t->has_hash && revocation_has(&job->suite->rl, t->hash))) {
            rep->skipped++;
            continue;
        }
        if (expect_build(e, &f, t, &rules, ent.flags_mask, is_div_form(&k)) ||
            run_test(&w->ctx, &f, t, &rules, e, &res)) {
            sbuf_printf(&rep->text, "error: %s: out of memory at test #%zu\n", job->path, i);
            rep->error = true;
            break;
        }
        if (res.unimplemented) {
            rep->unimplemented++;
            struct opkey u;
            if (unimplemented_form(md, &rules, res.unimpl_bytes, &u)) {
                unsigned bit = form_index(u.map, u.opcode, u.reg);
                rep->unimpl_forms[bit / 64] |= 1ull << (bit % 64);
            }
        }
        if (res.passed) {
            rep->passed++;
            continue;
        }
        if (rep->failed++ == 0) {
            sbuf_printf(&first, "      first failure #%zu: ", i);
            report_diff(&first, &res.d[0]);
            if (res.total_diffs > 1)
                sbuf_printf(&first, " (+%u more)", res.total_diffs - 1);
            sbuf_printf(&first, " | ");
            report_insn(&first, &w->dis, rules.code32, &f, t);
            sbuf_printf(&first, "\n");
        }
        if (o->list_failures) {
            sbuf_printf(&details, "FAIL %s #%zu", job->path, i);
            put_hash(&details, t);
            sbuf_printf(&details, " ");
            report_name(&details, &f, t);
            sbuf_printf(&details, "\n");
        }
        if (o->verbose) {
            sbuf_printf(&details, "    test #%zu: ", i);
            report_name(&details, &f, t);
            sbuf_printf(&details, " | ");
            report_insn(&details, &w->dis, rules.code32, &f, t);
            sbuf_printf(&details, "\n");
            report_details(&details, &f, t, e, &res);
        }
    }

    char mnemonic[16];
    file_mnemonic(&f, mnemonic, sizeof mnemonic);
    struct sbuf line = {0};
    sbuf_printf(&line, "%-6s %-7s %6lu passed %6lu failed", job->label, mnemonic, rep->passed,
                rep->failed);
    if (rep->skipped)
        sbuf_printf(&line, " %6lu skipped", rep->skipped);
    if (rep->unimplemented)
        sbuf_printf(&line, " (%lu hit unimplemented opcodes)", rep->unimplemented);
    sbuf_printf(&line, "\n");
    /* The summary line comes first although it is known last. */
    struct sbuf out = {0};
    sbuf_append(&out, sbuf_str(&line), line.len);
    sbuf_append(&out, sbuf_str(&first), first.len);
    sbuf_append(&out, sbuf_str(&details), details.len);
    sbuf_append(&out, sbuf_str(&rep->text), rep->text.len);
    sbuf_free(&rep->text);
    rep->text = out;
    sbuf_free(&line);
    sbuf_free(&first);
    sbuf_free(&details);
    tc_file_free(&f);
}
