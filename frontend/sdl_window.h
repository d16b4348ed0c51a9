/* The SDL2 desktop window: the guest screen, keyboard and mouse, hotkeys. */
#ifndef GLASS86_SDL_WINDOW_H
#define GLASS86_SDL_WINDOW_H

#include <stdbool.h>
#include <stddef.h>

struct vga;
struct ps2kbd;
struct ps2mouse;
struct sdl_window;

/* What a hotkey or the window asks the main loop to do. */
enum sdl_action {
    SDL_ACT_NONE,
    SDL_ACT_RESET,      /* Ctrl+Alt+R */
    SDL_ACT_POWEROFF,   /* Ctrl+Alt+Q or closing the window */
    SDL_ACT_DEBUGGER,   /* Ctrl+Alt+D */
};

/* Open the window; NULL with a one-line reason when there is no display. */
struct sdl_window *sdl_window_open(struct vga *vga, struct ps2kbd *kbd, struct ps2mouse *mouse,
                                   bool fullscreen, char *err, size_t errlen);
void sdl_window_close(struct sdl_window *w);
/* Hand host input to the guest and handle hotkeys (Ctrl+Alt+G release the mouse,
 * F fullscreen, P pause, S screenshot, R reset, Q power off, D debugger). */
enum sdl_action sdl_window_poll(struct sdl_window *w);
/* Draw the guest screen if it changed. */
void sdl_window_present(struct sdl_window *w);
bool sdl_window_paused(const struct sdl_window *w);
/* The guest's state and speed for the title bar. */
void sdl_window_set_status(struct sdl_window *w, const char *status);
/* Write the frame on screen to a PNG file (the Ctrl+Alt+S path). 0 or -1. */
int sdl_window_screenshot(struct sdl_window *w, const char *path);
/* --screenshot-at: draw the guest's screen as it is now, then queue Ctrl+Alt+S as an SDL
 * key event and poll, so the hotkey's own code writes glass86-screenshot-N.png. `path`
 * gets that file's name ("" when it failed); returns what the poll asked for, as
 * sdl_window_poll() does (other events may have been waiting). */
enum sdl_action sdl_window_scripted_screenshot(struct sdl_window *w, char *path, size_t len);

#endif
