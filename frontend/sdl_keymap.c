/* SDL scancodes (USB HID usage IDs, SDL_scancode.h) to the PC keys of devices/keycodes.h.
 * Scancodes name physical key positions, so the guest's keyboard layout decides what a
 * key means, as on real hardware. */
#include <SDL.h>

#include "frontend/sdl_keymap.h"

enum pc_key sdl_scancode_to_pc_key(int scancode)
{
    switch ((SDL_Scancode)scancode) {
    case SDL_SCANCODE_ESCAPE: return PC_KEY_ESC;
    case SDL_SCANCODE_F1: return PC_KEY_F1;
    case SDL_SCANCODE_F2: return PC_KEY_F2;
    case SDL_SCANCODE_F3: return PC_KEY_F3;
    case SDL_SCANCODE_F4: return PC_KEY_F4;
    case SDL_SCANCODE_F5: return PC_KEY_F5;
    case SDL_SCANCODE_F6: return PC_KEY_F6;
    case SDL_SCANCODE_F7: return PC_KEY_F7;
    case SDL_SCANCODE_F8: return PC_KEY_F8;
    case SDL_SCANCODE_F9: return PC_KEY_F9;
    case SDL_SCANCODE_F10: return PC_KEY_F10;
    case SDL_SCANCODE_F11: return PC_KEY_F11;
    case SDL_SCANCODE_F12: return PC_KEY_F12;
    case SDL_SCANCODE_PRINTSCREEN: return PC_KEY_PRINTSCREEN;
    case SDL_SCANCODE_SCROLLLOCK: return PC_KEY_SCROLLLOCK;
    case SDL_SCANCODE_PAUSE: return PC_KEY_PAUSE;
    case SDL_SCANCODE_GRAVE: return PC_KEY_GRAVE;
    case SDL_SCANCODE_1: return PC_KEY_1;
    case SDL_SCANCODE_2: return PC_KEY_2;
    case SDL_SCANCODE_3: return PC_KEY_3;
    case SDL_SCANCODE_4: return PC_KEY_4;
    case SDL_SCANCODE_5: return PC_KEY_5;
    case SDL_SCANCODE_6: return PC_KEY_6;
    case SDL_SCANCODE_7: return PC_KEY_7;
    case SDL_SCANCODE_8: return PC_KEY_8;
    case SDL_SCANCODE_9: return PC_KEY_9;
    case SDL_SCANCODE_0: return PC_KEY_0;
    case SDL_SCANCODE_MINUS: return PC_KEY_MINUS;
    case SDL_SCANCODE_EQUALS: return PC_KEY_EQUAL;
    case SDL_SCANCODE_BACKSPACE: return PC_KEY_BACKSPACE;
    case SDL_SCANCODE_TAB: return PC_KEY_TAB;
    case SDL_SCANCODE_Q: return PC_KEY_Q;
    case SDL_SCANCODE_W: return PC_KEY_W;
    case SDL_SCANCODE_E: return PC_KEY_E;
    case SDL_SCANCODE_R: return PC_KEY_R;
    case SDL_SCANCODE_T: return PC_KEY_T;
    case SDL_SCANCODE_Y: return PC_KEY_Y;
    case SDL_SCANCODE_U: return PC_KEY_U;
    case SDL_SCANCODE_I: return PC_KEY_I;
    case SDL_SCANCODE_O: return PC_KEY_O;
    case SDL_SCANCODE_P: return PC_KEY_P;
    case SDL_SCANCODE_LEFTBRACKET: return PC_KEY_LEFTBRACE;
    case SDL_SCANCODE_RIGHTBRACKET: return PC_KEY_RIGHTBRACE;
    case SDL_SCANCODE_BACKSLASH: return PC_KEY_BACKSLASH;
    case SDL_SCANCODE_CAPSLOCK: return PC_KEY_CAPSLOCK;
    case SDL_SCANCODE_A: return PC_KEY_A;
    case SDL_SCANCODE_S: return PC_KEY_S;
    case SDL_SCANCODE_D: return PC_KEY_D;
    case SDL_SCANCODE_F: return PC_KEY_F;
    case SDL_SCANCODE_G: return PC_KEY_G;
    case SDL_SCANCODE_H: return PC_KEY_H;
    case SDL_SCANCODE_J: return PC_KEY_J;
    case SDL_SCANCODE_K: return PC_KEY_K;
    case SDL_SCANCODE_L: return PC_KEY_L;
    case SDL_SCANCODE_SEMICOLON: return PC_KEY_SEMICOLON;
    case SDL_SCANCODE_APOSTROPHE: return PC_KEY_APOSTROPHE;
    case SDL_SCANCODE_RETURN: return PC_KEY_ENTER;
    case SDL_SCANCODE_LSHIFT: return PC_KEY_LEFTSHIFT;
    case SDL_SCANCODE_NONUSBACKSLASH: return PC_KEY_102ND;
    case SDL_SCANCODE_Z: return PC_KEY_Z;
    case SDL_SCANCODE_X: return PC_KEY_X;
    case SDL_SCANCODE_C: return PC_KEY_C;
    case SDL_SCANCODE_V: return PC_KEY_V;
    case SDL_SCANCODE_B: return PC_KEY_B;
    case SDL_SCANCODE_N: return PC_KEY_N;
    case SDL_SCANCODE_M: return PC_KEY_M;
    case SDL_SCANCODE_COMMA: return PC_KEY_COMMA;
    case SDL_SCANCODE_PERIOD: return PC_KEY_DOT;
    case SDL_SCANCODE_SLASH: return PC_KEY_SLASH;
    case SDL_SCANCODE_RSHIFT: return PC_KEY_RIGHTSHIFT;
    case SDL_SCANCODE_LCTRL: return PC_KEY_LEFTCTRL;
    case SDL_SCANCODE_LGUI: return PC_KEY_LEFTMETA;
    case SDL_SCANCODE_LALT: return PC_KEY_LEFTALT;
    case SDL_SCANCODE_SPACE: return PC_KEY_SPACE;
    case SDL_SCANCODE_RALT: return PC_KEY_RIGHTALT;
    case SDL_SCANCODE_RGUI: return PC_KEY_RIGHTMETA;
    case SDL_SCANCODE_APPLICATION: return PC_KEY_MENU;
    case SDL_SCANCODE_RCTRL: return PC_KEY_RIGHTCTRL;
    case SDL_SCANCODE_INSERT: return PC_KEY_INSERT;
    case SDL_SCANCODE_HOME: return PC_KEY_HOME;
    case SDL_SCANCODE_PAGEUP: return PC_KEY_PAGEUP;
    case SDL_SCANCODE_DELETE: return PC_KEY_DELETE;
    case SDL_SCANCODE_END: return PC_KEY_END;
    case SDL_SCANCODE_PAGEDOWN: return PC_KEY_PAGEDOWN;
    case SDL_SCANCODE_UP: return PC_KEY_UP;
    case SDL_SCANCODE_LEFT: return PC_KEY_LEFT;
    case SDL_SCANCODE_DOWN: return PC_KEY_DOWN;
    case SDL_SCANCODE_RIGHT: return PC_KEY_RIGHT;
    case SDL_SCANCODE_NUMLOCKCLEAR: return PC_KEY_NUMLOCK;
    case SDL_SCANCODE_KP_DIVIDE: return PC_KEY_KPSLASH;
    case SDL_SCANCODE_KP_MULTIPLY: return PC_KEY_KPASTERISK;
    case SDL_SCANCODE_KP_MINUS: return PC_KEY_KPMINUS;
    case SDL_SCANCODE_KP_7: return PC_KEY_KP7;
    case SDL_SCANCODE_KP_8: return PC_KEY_KP8;
    case SDL_SCANCODE_KP_9: return PC_KEY_KP9;
    case SDL_SCANCODE_KP_PLUS: return PC_KEY_KPPLUS;
    case SDL_SCANCODE_KP_4: return PC_KEY_KP4;
    case SDL_SCANCODE_KP_5: return PC_KEY_KP5;
    case SDL_SCANCODE_KP_6: return PC_KEY_KP6;
    case SDL_SCANCODE_KP_1: return PC_KEY_KP1;
    case SDL_SCANCODE_KP_2: return PC_KEY_KP2;
    case SDL_SCANCODE_KP_3: return PC_KEY_KP3;
    case SDL_SCANCODE_KP_ENTER: return PC_KEY_KPENTER;
    case SDL_SCANCODE_KP_0: return PC_KEY_KP0;
    case SDL_SCANCODE_KP_PERIOD: return PC_KEY_KPDOT;
    case SDL_SCANCODE_INTERNATIONAL1: return PC_KEY_RO;
    case SDL_SCANCODE_INTERNATIONAL3: return PC_KEY_YEN;
    case SDL_SCANCODE_INTERNATIONAL4: return PC_KEY_HENKAN;
    case SDL_SCANCODE_INTERNATIONAL5: return PC_KEY_MUHENKAN;
    case SDL_SCANCODE_INTERNATIONAL2: return PC_KEY_KATAKANAHIRAGANA;
    case SDL_SCANCODE_POWER: return PC_KEY_POWER;
    case SDL_SCANCODE_SLEEP: return PC_KEY_SLEEP;
    default: return PC_KEY_NONE;
    }
}
