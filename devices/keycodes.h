/* The keys of a PC keyboard (the 104-key US layout, the 105th ISO key, the Japanese keys
 * and the three ACPI keys) as neutral numbers, and the scan code bytes each one sends in
 * sets 1, 2 and 3 (IBM PS/2 keyboard reference; A. Brouwer, "Keyboard scancodes", 9.6).
 * Frontends map host keys to `enum pc_key`; only the keyboard turns them into bytes. */
#ifndef GLASS86_KEYCODES_H
#define GLASS86_KEYCODES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum pc_key {
    PC_KEY_NONE = 0,
    /* Function row. */
    PC_KEY_ESC, PC_KEY_F1, PC_KEY_F2, PC_KEY_F3, PC_KEY_F4, PC_KEY_F5, PC_KEY_F6, PC_KEY_F7,
    PC_KEY_F8, PC_KEY_F9, PC_KEY_F10, PC_KEY_F11, PC_KEY_F12,
    PC_KEY_PRINTSCREEN, PC_KEY_SCROLLLOCK, PC_KEY_PAUSE,
    /* Number row. */
    PC_KEY_GRAVE, PC_KEY_1, PC_KEY_2, PC_KEY_3, PC_KEY_4, PC_KEY_5, PC_KEY_6, PC_KEY_7,
    PC_KEY_8, PC_KEY_9, PC_KEY_0, PC_KEY_MINUS, PC_KEY_EQUAL, PC_KEY_BACKSPACE,
    /* Top letter row. */
    PC_KEY_TAB, PC_KEY_Q, PC_KEY_W, PC_KEY_E, PC_KEY_R, PC_KEY_T, PC_KEY_Y, PC_KEY_U,
    PC_KEY_I, PC_KEY_O, PC_KEY_P, PC_KEY_LEFTBRACE, PC_KEY_RIGHTBRACE, PC_KEY_BACKSLASH,
    /* Home row. */
    PC_KEY_CAPSLOCK, PC_KEY_A, PC_KEY_S, PC_KEY_D, PC_KEY_F, PC_KEY_G, PC_KEY_H, PC_KEY_J,
    PC_KEY_K, PC_KEY_L, PC_KEY_SEMICOLON, PC_KEY_APOSTROPHE, PC_KEY_ENTER,
    /* Bottom row; PC_KEY_102ND is the ISO key between left Shift and Z. */
    PC_KEY_LEFTSHIFT, PC_KEY_102ND, PC_KEY_Z, PC_KEY_X, PC_KEY_C, PC_KEY_V, PC_KEY_B,
    PC_KEY_N, PC_KEY_M, PC_KEY_COMMA, PC_KEY_DOT, PC_KEY_SLASH, PC_KEY_RIGHTSHIFT,
    /* Space row. */
    PC_KEY_LEFTCTRL, PC_KEY_LEFTMETA, PC_KEY_LEFTALT, PC_KEY_SPACE, PC_KEY_RIGHTALT,
    PC_KEY_RIGHTMETA, PC_KEY_MENU, PC_KEY_RIGHTCTRL,
    /* Editing block and arrows. */
    PC_KEY_INSERT, PC_KEY_HOME, PC_KEY_PAGEUP, PC_KEY_DELETE, PC_KEY_END, PC_KEY_PAGEDOWN,
    PC_KEY_UP, PC_KEY_LEFT, PC_KEY_DOWN, PC_KEY_RIGHT,
    /* Keypad. */
    PC_KEY_NUMLOCK, PC_KEY_KPSLASH, PC_KEY_KPASTERISK, PC_KEY_KPMINUS, PC_KEY_KP7,
    PC_KEY_KP8, PC_KEY_KP9, PC_KEY_KPPLUS, PC_KEY_KP4, PC_KEY_KP5, PC_KEY_KP6, PC_KEY_KP1,
    PC_KEY_KP2, PC_KEY_KP3, PC_KEY_KPENTER, PC_KEY_KP0, PC_KEY_KPDOT,
    /* Japanese (JIS) keys. */
    PC_KEY_RO, PC_KEY_YEN, PC_KEY_HENKAN, PC_KEY_MUHENKAN, PC_KEY_KATAKANAHIRAGANA,
    /* ACPI keys. */
    PC_KEY_POWER, PC_KEY_SLEEP, PC_KEY_WAKE,
    PC_KEY_COUNT
};

/* The longest sequence one key event sends: Pause in set 2. */
#define PC_KEY_SEQ_MAX 8

/* Modifier keys held while PrintScreen or Pause changes state: they send other codes
 * then (Alt+PrintScreen is SysRq, Ctrl+Pause is Break). */
#define PC_MOD_SHIFT 1u
#define PC_MOD_CTRL 2u
#define PC_MOD_ALT 4u

/* Set-3 key behaviour (the keyboard's defaults, changed by commands F7-FA). */
#define PC_KEY3_BREAK 1u      /* sends a break code (F0 xx) when released */
#define PC_KEY3_TYPEMATIC 2u  /* repeats while held */

/* The bytes `key` sends when pressed or released in scan code set `set` (1, 2 or 3),
 * written to `out`; returns how many (0 when the key sends nothing then: Pause has no
 * break code, a set-3 key whose `set3_flags` lack PC_KEY3_BREAK is silent on release, and
 * a few keys have no code in some set). `mods` is a PC_MOD_* mask; `set3_flags` the key's
 * PC_KEY3_* behaviour, looked at in set 3 only. */
size_t pc_key_sequence(enum pc_key key, unsigned set, bool pressed, unsigned mods,
                       unsigned set3_flags, uint8_t out[PC_KEY_SEQ_MAX]);

/* What typematic repeat sends while `key` is held (the make code without PrintScreen's
 * fake shift); 0 for keys that never repeat (Pause, Ctrl+Break, and set-3 keys whose
 * `set3_flags` lack PC_KEY3_TYPEMATIC). */
size_t pc_key_repeat_sequence(enum pc_key key, unsigned set, unsigned mods, unsigned set3_flags,
                              uint8_t out[PC_KEY_SEQ_MAX]);

/* The default set-3 behaviour of `key`: the modifiers and the Windows keys make/break,
 * every other key make-only and typematic (Brouwer 9.2). */
unsigned pc_key_set3_default(enum pc_key key);

/* A short name ("A", "KP7", "PRINTSCREEN"); "?" for numbers out of range. */
const char *pc_key_name(enum pc_key key);

#endif
