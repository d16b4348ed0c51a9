/* Scan code sequences of the PC keys (see keycodes.h). Set 1 breaks are make | 0x80,
 * set 2 and set 3 breaks are F0 before the code, E0-prefixed keys keep the prefix in
 * front of everything. PrintScreen and Pause are the two keys whose bytes depend on the
 * modifiers held, and Pause alone never sends a break. */
#include "devices/keycodes.h"

#include <string.h>

#define E0 0x100u  /* the code is sent after an E0 prefix */

struct key_codes {
    const char *name;
    uint16_t set1, set2;  /* E0 | code; 0 = none */
    uint8_t set3;         /* 0 = none */
};

static const struct key_codes keys[PC_KEY_COUNT] = {
    [PC_KEY_NONE] = { "NONE", 0, 0, 0 },
    [PC_KEY_ESC] = { "ESC", 0x01, 0x76, 0x08 },
    [PC_KEY_F1] = { "F1", 0x3B, 0x05, 0x07 },
    [PC_KEY_F2] = { "F2", 0x3C, 0x06, 0x0F },
    [PC_KEY_F3] = { "F3", 0x3D, 0x04, 0x17 },
    [PC_KEY_F4] = { "F4", 0x3E, 0x0C, 0x1F },
    [PC_KEY_F5] = { "F5", 0x3F, 0x03, 0x27 },
    [PC_KEY_F6] = { "F6", 0x40, 0x0B, 0x2F },
    [PC_KEY_F7] = { "F7", 0x41, 0x83, 0x37 },
    [PC_KEY_F8] = { "F8", 0x42, 0x0A, 0x3F },
    [PC_KEY_F9] = { "F9", 0x43, 0x01, 0x47 },
    [PC_KEY_F10] = { "F10", 0x44, 0x09, 0x4F },
    [PC_KEY_F11] = { "F11", 0x57, 0x78, 0x56 },
    [PC_KEY_F12] = { "F12", 0x58, 0x07, 0x5E },
    [PC_KEY_PRINTSCREEN] = { "PRINTSCREEN", E0 | 0x37, E0 | 0x7C, 0x57 },
    [PC_KEY_SCROLLLOCK] = { "SCROLLLOCK", 0x46, 0x7E, 0x5F },
    [PC_KEY_PAUSE] = { "PAUSE", 0, 0, 0x62 },  /* sets 1 and 2: see pause_sequence() */
    [PC_KEY_GRAVE] = { "GRAVE", 0x29, 0x0E, 0x0E },
    [PC_KEY_1] = { "1", 0x02, 0x16, 0x16 },
    [PC_KEY_2] = { "2", 0x03, 0x1E, 0x1E },
    [PC_KEY_3] = { "3", 0x04, 0x26, 0x26 },
    [PC_KEY_4] = { "4", 0x05, 0x25, 0x25 },
    [PC_KEY_5] = { "5", 0x06, 0x2E, 0x2E },
    [PC_KEY_6] = { "6", 0x07, 0x36, 0x36 },
    [PC_KEY_7] = { "7", 0x08, 0x3D, 0x3D },
    [PC_KEY_8] = { "8", 0x09, 0x3E, 0x3E },
    [PC_KEY_9] = { "9", 0x0A, 0x46, 0x46 },
    [PC_KEY_0] = { "0", 0x0B, 0x45, 0x45 },
    [PC_KEY_MINUS] = { "MINUS", 0x0C, 0x4E, 0x4E },
    [PC_KEY_EQUAL] = { "EQUAL", 0x0D, 0x55, 0x55 },
    [PC_KEY_BACKSPACE] = { "BACKSPACE", 0x0E, 0x66, 0x66 },
    [PC_KEY_TAB] = { "TAB", 0x0F, 0x0D, 0x0D },
    [PC_KEY_Q] = { "Q", 0x10, 0x15, 0x15 },
    [PC_KEY_W] = { "W", 0x11, 0x1D, 0x1D },
    [PC_KEY_E] = { "E", 0x12, 0x24, 0x24 },
    [PC_KEY_R] = { "R", 0x13, 0x2D, 0x2D },
    [PC_KEY_T] = { "T", 0x14, 0x2C, 0x2C },
    [PC_KEY_Y] = { "Y", 0x15, 0x35, 0x35 },
    [PC_KEY_U] = { "U", 0x16, 0x3C, 0x3C },
    [PC_KEY_I] = { "I", 0x17, 0x43, 0x43 },
    [PC_KEY_O] = { "O", 0x18, 0x44, 0x44 },
    [PC_KEY_P] = { "P", 0x19, 0x4D, 0x4D },
    [PC_KEY_LEFTBRACE] = { "LEFTBRACE", 0x1A, 0x54, 0x54 },
    [PC_KEY_RIGHTBRACE] = { "RIGHTBRACE", 0x1B, 0x5B, 0x5B },
    [PC_KEY_BACKSLASH] = { "BACKSLASH", 0x2B, 0x5D, 0x5C },
    [PC_KEY_CAPSLOCK] = { "CAPSLOCK", 0x3A, 0x58, 0x14 },
    [PC_KEY_A] = { "A", 0x1E, 0x1C, 0x1C },
    [PC_KEY_S] = { "S", 0x1F, 0x1B, 0x1B },
    [PC_KEY_D] = { "D", 0x20, 0x23, 0x23 },
    [PC_KEY_F] = { "F", 0x21, 0x2B, 0x2B },
    [PC_KEY_G] = { "G", 0x22, 0x34, 0x34 },
    [PC_KEY_H] = { "H", 0x23, 0x33, 0x33 },
    [PC_KEY_J] = { "J", 0x24, 0x3B, 0x3B },
    [PC_KEY_K] = { "K", 0x25, 0x42, 0x42 },
    [PC_KEY_L] = { "L", 0x26, 0x4B, 0x4B },
    [PC_KEY_SEMICOLON] = { "SEMICOLON", 0x27, 0x4C, 0x4C },
    [PC_KEY_APOSTROPHE] = { "APOSTROPHE", 0x28, 0x52, 0x52 },
    [PC_KEY_ENTER] = { "ENTER", 0x1C, 0x5A, 0x5A },
    [PC_KEY_LEFTSHIFT] = { "LEFTSHIFT", 0x2A, 0x12, 0x12 },
    [PC_KEY_102ND] = { "102ND", 0x56, 0x61, 0x13 },
    [PC_KEY_Z] = { "Z", 0x2C, 0x1A, 0x1A },
    [PC_KEY_X] = { "X", 0x2D, 0x22, 0x22 },
    [PC_KEY_C] = { "C", 0x2E, 0x21, 0x21 },
    [PC_KEY_V] = { "V", 0x2F, 0x2A, 0x2A },
    [PC_KEY_B] = { "B", 0x30, 0x32, 0x32 },
    [PC_KEY_N] = { "N", 0x31, 0x31, 0x31 },
    [PC_KEY_M] = { "M", 0x32, 0x3A, 0x3A },
    [PC_KEY_COMMA] = { "COMMA", 0x33, 0x41, 0x41 },
    [PC_KEY_DOT] = { "DOT", 0x34, 0x49, 0x49 },
    [PC_KEY_SLASH] = { "SLASH", 0x35, 0x4A, 0x4A },
    [PC_KEY_RIGHTSHIFT] = { "RIGHTSHIFT", 0x36, 0x59, 0x59 },
    [PC_KEY_LEFTCTRL] = { "LEFTCTRL", 0x1D, 0x14, 0x11 },
    [PC_KEY_LEFTMETA] = { "LEFTMETA", E0 | 0x5B, E0 | 0x1F, 0x8B },
    [PC_KEY_LEFTALT] = { "LEFTALT", 0x38, 0x11, 0x19 },
    [PC_KEY_SPACE] = { "SPACE", 0x39, 0x29, 0x29 },
    [PC_KEY_RIGHTALT] = { "RIGHTALT", E0 | 0x38, E0 | 0x11, 0x39 },
    [PC_KEY_RIGHTMETA] = { "RIGHTMETA", E0 | 0x5C, E0 | 0x27, 0x8C },
    [PC_KEY_MENU] = { "MENU", E0 | 0x5D, E0 | 0x2F, 0x8D },
    [PC_KEY_RIGHTCTRL] = { "RIGHTCTRL", E0 | 0x1D, E0 | 0x14, 0x58 },
    [PC_KEY_INSERT] = { "INSERT", E0 | 0x52, E0 | 0x70, 0x67 },
    [PC_KEY_HOME] = { "HOME", E0 | 0x47, E0 | 0x6C, 0x6E },
    [PC_KEY_PAGEUP] = { "PAGEUP", E0 | 0x49, E0 | 0x7D, 0x6F },
    [PC_KEY_DELETE] = { "DELETE", E0 | 0x53, E0 | 0x71, 0x64 },
    [PC_KEY_END] = { "END", E0 | 0x4F, E0 | 0x69, 0x65 },
    [PC_KEY_PAGEDOWN] = { "PAGEDOWN", E0 | 0x51, E0 | 0x7A, 0x6D },
    [PC_KEY_UP] = { "UP", E0 | 0x48, E0 | 0x75, 0x63 },
    [PC_KEY_LEFT] = { "LEFT", E0 | 0x4B, E0 | 0x6B, 0x61 },
    [PC_KEY_DOWN] = { "DOWN", E0 | 0x50, E0 | 0x72, 0x60 },
    [PC_KEY_RIGHT] = { "RIGHT", E0 | 0x4D, E0 | 0x74, 0x6A },
    [PC_KEY_NUMLOCK] = { "NUMLOCK", 0x45, 0x77, 0x76 },
    [PC_KEY_KPSLASH] = { "KPSLASH", E0 | 0x35, E0 | 0x4A, 0x77 },
    [PC_KEY_KPASTERISK] = { "KPASTERISK", 0x37, 0x7C, 0x7E },
    [PC_KEY_KPMINUS] = { "KPMINUS", 0x4A, 0x7B, 0x84 },
    [PC_KEY_KP7] = { "KP7", 0x47, 0x6C, 0x6C },
    [PC_KEY_KP8] = { "KP8", 0x48, 0x75, 0x75 },
    [PC_KEY_KP9] = { "KP9", 0x49, 0x7D, 0x7D },
    [PC_KEY_KPPLUS] = { "KPPLUS", 0x4E, 0x79, 0x7C },
    [PC_KEY_KP4] = { "KP4", 0x4B, 0x6B, 0x6B },
    [PC_KEY_KP5] = { "KP5", 0x4C, 0x73, 0x73 },
    [PC_KEY_KP6] = { "KP6", 0x4D, 0x74, 0x74 },
    [PC_KEY_KP1] = { "KP1", 0x4F, 0x69, 0x69 },
    [PC_KEY_KP2] = { "KP2", 0x50, 0x72, 0x72 },
    [PC_KEY_KP3] = { "KP3", 0x51, 0x7A, 0x7A },
    [PC_KEY_KPENTER] = { "KPENTER", E0 | 0x1C, E0 | 0x5A, 0x79 },
    [PC_KEY_KP0] = { "KP0", 0x52, 0x70, 0x70 },
    [PC_KEY_KPDOT] = { "KPDOT", 0x53, 0x71, 0x71 },
    [PC_KEY_RO] = { "RO", 0x73, 0x51, 0x51 },
    [PC_KEY_YEN] = { "YEN", 0x7D, 0x6A, 0x5D },
    [PC_KEY_HENKAN] = { "HENKAN", 0x79, 0x64, 0x86 },
    [PC_KEY_MUHENKAN] = { "MUHENKAN", 0x7B, 0x67, 0x85 },
    [PC_KEY_KATAKANAHIRAGANA] = { "KATAKANAHIRAGANA", 0x70, 0x13, 0x87 },
    [PC_KEY_POWER] = { "POWER", E0 | 0x5E, E0 | 0x37, 0 },
    [PC_KEY_SLEEP] = { "SLEEP", E0 | 0x5F, E0 | 0x3F, 0x7F },
    [PC_KEY_WAKE] = { "WAKE", E0 | 0x63, E0 | 0x5E, 0 },
};

static bool valid(enum pc_key key)
{
    return key > PC_KEY_NONE && key < PC_KEY_COUNT;
}

const char *pc_key_name(enum pc_key key)
{
    return (unsigned)key < PC_KEY_COUNT ? keys[key].name : "?";
}

unsigned pc_key_set3_default(enum pc_key key)
{
    switch (key) {
    case PC_KEY_CAPSLOCK:
    case PC_KEY_LEFTSHIFT:
    case PC_KEY_RIGHTSHIFT:
    case PC_KEY_LEFTCTRL:
    case PC_KEY_LEFTALT:
    case PC_KEY_LEFTMETA:
    case PC_KEY_RIGHTMETA:
    case PC_KEY_MENU:
        return PC_KEY3_BREAK;
    default:
        return PC_KEY3_TYPEMATIC;
    }
}

static size_t put(uint8_t *out, size_t n, const uint8_t *bytes, size_t count)
{
    memcpy(out + n, bytes, count);
    return n + count;
}

/* A plain key: [E0] code, or its break [E0] code|80 (set 1) / [E0] F0 code (set 2). */
static size_t plain_sequence(uint16_t code, unsigned set, bool pressed, uint8_t *out)
{
    if (!code)
        return 0;
    size_t n = 0;
    if (code & E0)
        out[n++] = 0xE0;
    if (set == 1) {
        out[n++] = (uint8_t)(pressed ? code : (code | 0x80));
    } else {
        if (!pressed)
            out[n++] = 0xF0;
        out[n++] = (uint8_t)code;
    }
    return n;
}

/* Pause sends its whole make-and-break sequence on press and nothing on release; with
 * Ctrl held it is Break, which the keyboard sends as an E0 key pressed and released. */
static size_t pause_sequence(unsigned set, bool pressed, unsigned mods, uint8_t *out)
{
    static const uint8_t pause1[] = { 0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5 };
    static const uint8_t pause2[] = { 0xE1, 0x14, 0x77, 0xE1, 0xF0, 0x14, 0xF0, 0x77 };
    static const uint8_t break1[] = { 0xE0, 0x46, 0xE0, 0xC6 };
    static const uint8_t break2[] = { 0xE0, 0x7E, 0xE0, 0xF0, 0x7E };
    if (!pressed)
        return 0;
    if (mods & PC_MOD_CTRL)
        return set == 1 ? put(out, 0, break1, sizeof break1) : put(out, 0, break2, sizeof break2);
    return set == 1 ? put(out, 0, pause1, sizeof pause1) : put(out, 0, pause2, sizeof pause2);
}

/* PrintScreen: with Alt it is SysRq (a plain key of its own), with Shift or Ctrl the
 * bare E0 code, alone the E0 code wrapped in a fake left-Shift press (E0 2A / E0 12) so
 * that old software sees "Shift+keypad *", as on the 84-key keyboard. */
static size_t printscreen_sequence(unsigned set, bool pressed, unsigned mods, uint8_t *out)
{
    if (mods & PC_MOD_ALT)
        return plain_sequence(set == 1 ? 0x54 : 0x84, set, pressed, out);
    uint16_t shift = set == 1 ? (E0 | 0x2A) : (E0 | 0x12);
    uint16_t code = set == 1 ? keys[PC_KEY_PRINTSCREEN].set1 : keys[PC_KEY_PRINTSCREEN].set2;
    if (mods & (PC_MOD_SHIFT | PC_MOD_CTRL))
        return plain_sequence(code, set, pressed, out);
    size_t n = 0;
    if (pressed) {
        n = plain_sequence(shift, set, true, out);
        n += plain_sequence(code, set, true, out + n);
    } else {
        n = plain_sequence(code, set, false, out);
        n += plain_sequence(shift, set, false, out + n);
    }
    return n;
}

size_t pc_key_sequence(enum pc_key key, unsigned set, bool pressed, unsigned mods,
                       unsigned set3_flags, uint8_t out[PC_KEY_SEQ_MAX])
{
    if (!valid(key) || set < 1 || set > 3)
        return 0;
    if (set == 3) {
        uint8_t code = keys[key].set3;
        if (!code || (!pressed && !(set3_flags & PC_KEY3_BREAK)))
            return 0;
        size_t n = 0;
        if (!pressed)
            out[n++] = 0xF0;
        out[n++] = code;
        return n;
    }
    if (key == PC_KEY_PAUSE)
        return pause_sequence(set, pressed, mods, out);
    if (key == PC_KEY_PRINTSCREEN)
        return printscreen_sequence(set, pressed, mods, out);
    return plain_sequence(set == 1 ? keys[key].set1 : keys[key].set2, set, pressed, out);
}

size_t pc_key_repeat_sequence(enum pc_key key, unsigned set, unsigned mods, unsigned set3_flags,
                              uint8_t out[PC_KEY_SEQ_MAX])
{
    if (!valid(key) || set < 1 || set > 3)
        return 0;
    if (set == 3)
        return (set3_flags & PC_KEY3_TYPEMATIC) ? pc_key_sequence(key, 3, true, mods, set3_flags, out) : 0;
    if (key == PC_KEY_PAUSE)
        return 0;
    if (key == PC_KEY_PRINTSCREEN && !(mods & PC_MOD_ALT)) {
        /* The fake shift is sent once, on the first make only. */
        uint16_t code = set == 1 ? keys[key].set1 : keys[key].set2;
        return plain_sequence(code, set, true, out);
    }
    return pc_key_sequence(key, set, true, mods, set3_flags, out);
}
