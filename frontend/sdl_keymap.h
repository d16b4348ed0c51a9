/* Host keys to PC keys for the SDL window. */
#ifndef GLASS86_SDL_KEYMAP_H
#define GLASS86_SDL_KEYMAP_H

#include "devices/keycodes.h"

/* An SDL_Scancode to the PC key at the same position; PC_KEY_NONE when there is none. */
enum pc_key sdl_scancode_to_pc_key(int scancode);

#endif
