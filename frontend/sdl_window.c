/* The desktop window: the guest's screen drawn from the VGA at the shape a monitor would
 * give it, keyboard and mouse into the 8042, hotkeys for the machine, and a title that
 * says what the guest is doing and how fast. SDL2 (https://wiki.libsdl.org/SDL2). */
#include <SDL.h>
#include <stdio.h>
#include <string.h>

#include "devices/ps2kbd.h"
#include "devices/ps2mouse.h"
#include "devices/vga.h"
#include "frontend/png.h"
#include "frontend/sdl_keymap.h"
#include "frontend/sdl_window.h"

struct sdl_window {
    SDL_Window *window;
    SDL_Renderer *renderer;
    SDL_Texture *texture;
    unsigned tex_w, tex_h;
    struct vga *vga;
    struct ps2kbd *kbd;
    struct ps2mouse *mouse;
    const uint32_t *frame;     /* the last frame drawn, kept for screenshots */
    unsigned frame_w, frame_h;
    bool keys_down[PC_KEY_COUNT];
    bool grabbed;
    bool paused;
    unsigned mouse_buttons;
    unsigned screenshot_count;
    char last_screenshot[64];  /* the file the last screenshot went to, "" if none */
    char status[160];
};

/* Hotkeys: Ctrl+Alt plus a letter, as QEMU's SDL frontend does. */
#define HOTKEY_MODS (KMOD_CTRL | KMOD_ALT)

static void set_title(struct sdl_window *w)
{
    char title[256];
    snprintf(title, sizeof title, "glass86 - %s%s%s", w->paused ? "paused - " : "", w->status,
             w->grabbed ? " - Ctrl+Alt+G releases the mouse" : " - click to grab the mouse");
    SDL_SetWindowTitle(w->window, title);
}

struct sdl_window *sdl_window_open(struct vga *vga, struct ps2kbd *kbd, struct ps2mouse *mouse,
                                   bool fullscreen, char *err, size_t errlen)
{
    if (SDL_Init(SDL_INIT_VIDEO) != 0) {
        snprintf(err, errlen, "cannot open the window: %s (try --display none)", SDL_GetError());
        return NULL;
    }
    struct sdl_window *w = SDL_calloc(1, sizeof *w);
    if (!w) {
        snprintf(err, errlen, "out of memory for the window");
        SDL_Quit();
        return NULL;
    }
    w->vga = vga;
    w->kbd = kbd;
    w->mouse = mouse;
    w->window = SDL_CreateWindow("glass86", SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED, 960,
                                 720, SDL_WINDOW_RESIZABLE |
                                          (fullscreen ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0));
    if (w->window)
        w->renderer = SDL_CreateRenderer(w->window, -1, 0);
    if (!w->window || !w->renderer) {
        snprintf(err, errlen, "cannot open the window: %s (try --display none)", SDL_GetError());
        sdl_window_close(w);
        return NULL;
    }
    SDL_SetHint(SDL_HINT_RENDER_SCALE_QUALITY, "linear");
    snprintf(w->status, sizeof w->status, "starting");
    set_title(w);
    return w;
}

void sdl_window_close(struct sdl_window *w)
{
    if (!w)
        return;
    if (w->texture)
        SDL_DestroyTexture(w->texture);
    if (w->renderer)
        SDL_DestroyRenderer(w->renderer);
    if (w->window)
        SDL_DestroyWindow(w->window);
    SDL_free(w);
    SDL_Quit();
}

/* Let go of every key the guest believes is held: otherwise a key released while the
 * window had no focus (Alt+Tab) stays down in the guest for ever. */
static void release_all_keys(struct sdl_window *w)
{
    for (unsigned k = 0; k < PC_KEY_COUNT; k++) {
        if (w->keys_down[k]) {
            w->keys_down[k] = false;
            if (w->kbd)
                ps2kbd_key(w->kbd, (enum pc_key)k, false);
        }
    }
}

static void grab(struct sdl_window *w, bool on)
{
    w->grabbed = on;
    SDL_SetRelativeMouseMode(on ? SDL_TRUE : SDL_FALSE);
    set_title(w);
}

int sdl_window_screenshot(struct sdl_window *w, const char *path)
{
    if (!w->frame)
        return -1;
    return png_write(path, w->frame, w->frame_w, w->frame_h);
}

static enum sdl_action hotkey(struct sdl_window *w, SDL_Keycode key)
{
    switch (key) {
    case SDLK_g:
        grab(w, false);
        return SDL_ACT_NONE;
    case SDLK_f:
        SDL_SetWindowFullscreen(w->window, (SDL_GetWindowFlags(w->window) &
                                            SDL_WINDOW_FULLSCREEN_DESKTOP) ? 0 :
                                           SDL_WINDOW_FULLSCREEN_DESKTOP);
        return SDL_ACT_NONE;
    case SDLK_p:
        w->paused = !w->paused;
        set_title(w);
        return SDL_ACT_NONE;
    case SDLK_r:
        return SDL_ACT_RESET;
    case SDLK_q:
        return SDL_ACT_POWEROFF;
    case SDLK_d:
        return SDL_ACT_DEBUGGER;
    case SDLK_s: {
        char path[64];
        snprintf(path, sizeof path, "glass86-screenshot-%u.png", ++w->screenshot_count);
        w->last_screenshot[0] = '\0';
        if (sdl_window_screenshot(w, path) == 0) {
            fprintf(stderr, "glass86: screenshot saved to %s\n", path);
            snprintf(w->last_screenshot, sizeof w->last_screenshot, "%s", path);
        } else {
            fprintf(stderr, "glass86: error: cannot write %s\n", path);
        }
        return SDL_ACT_NONE;
    }
    default:
        return SDL_ACT_NONE;
    }
}

/* The event a person's Ctrl+Alt+key makes, queued so that sdl_window_poll() handles it
 * exactly as it handles one from the keyboard. */
static int push_hotkey(struct sdl_window *w, SDL_Keycode key)
{
    SDL_Event e;
    SDL_zero(e);
    e.type = SDL_KEYDOWN;
    e.key.windowID = SDL_GetWindowID(w->window);
    e.key.state = SDL_PRESSED;
    e.key.keysym.sym = key;
    e.key.keysym.scancode = SDL_GetScancodeFromKey(key);
    e.key.keysym.mod = KMOD_LCTRL | KMOD_LALT;
    return SDL_PushEvent(&e) == 1 ? 0 : -1;
}

enum sdl_action sdl_window_scripted_screenshot(struct sdl_window *w, char *path, size_t len)
{
    path[0] = '\0';
    sdl_window_present(w); /* what is on screen is the guest's screen at this instruction */
    w->last_screenshot[0] = '\0';
    if (push_hotkey(w, SDLK_s) != 0) {
        fprintf(stderr, "glass86: error: cannot queue the screenshot hotkey: %s\n", SDL_GetError());
        return SDL_ACT_NONE;
    }
    enum sdl_action a = sdl_window_poll(w);
    snprintf(path, len, "%s", w->last_screenshot);
    return a;
}

enum sdl_action sdl_window_poll(struct sdl_window *w)
{
    SDL_Event e;
    enum sdl_action act = SDL_ACT_NONE;
    while (SDL_PollEvent(&e)) {
        switch (e.type) {
        case SDL_QUIT:
            return SDL_ACT_POWEROFF;
        case SDL_WINDOWEVENT:
            if (e.window.event == SDL_WINDOWEVENT_FOCUS_LOST) {
                release_all_keys(w);
                if (w->grabbed)
                    grab(w, false);
            }
            break;
        case SDL_KEYDOWN:
        case SDL_KEYUP: {
            bool down = e.type == SDL_KEYDOWN;
            if (down && (e.key.keysym.mod & KMOD_CTRL) && (e.key.keysym.mod & KMOD_ALT)) {
                enum sdl_action a = hotkey(w, e.key.keysym.sym);
                if (e.key.keysym.sym == SDLK_g || e.key.keysym.sym == SDLK_f ||
                    e.key.keysym.sym == SDLK_p || e.key.keysym.sym == SDLK_s || a != SDL_ACT_NONE) {
                    release_all_keys(w); /* Ctrl and Alt must not stay down in the guest */
                    if (a != SDL_ACT_NONE)
                        act = a;
                    break;
                }
            }
            enum pc_key k = sdl_scancode_to_pc_key(e.key.keysym.scancode);
            if (k == PC_KEY_NONE || (down && e.key.repeat))
                break; /* the PS/2 keyboard repeats by itself (typematic) */
            if (w->keys_down[k] != down) {
                w->keys_down[k] = down;
                if (w->kbd)
                    ps2kbd_key(w->kbd, k, down);
            }
            break;
        }
        case SDL_MOUSEBUTTONDOWN:
        case SDL_MOUSEBUTTONUP: {
            if (!w->grabbed) {
                if (e.type == SDL_MOUSEBUTTONDOWN)
                    grab(w, true);
                break;
            }
            unsigned bit = e.button.button == SDL_BUTTON_LEFT ? PS2MOUSE_LEFT :
                           e.button.button == SDL_BUTTON_RIGHT ? PS2MOUSE_RIGHT :
                           e.button.button == SDL_BUTTON_MIDDLE ? PS2MOUSE_MIDDLE : 0;
            if (e.type == SDL_MOUSEBUTTONDOWN)
                w->mouse_buttons |= bit;
            else
                w->mouse_buttons &= ~bit;
            if (w->mouse)
                ps2mouse_move(w->mouse, 0, 0, 0, w->mouse_buttons);
            break;
        }
        case SDL_MOUSEMOTION:
            if (w->grabbed && w->mouse)
                ps2mouse_move(w->mouse, e.motion.xrel, e.motion.yrel, 0, w->mouse_buttons);
            break;
        case SDL_MOUSEWHEEL:
            if (w->grabbed && w->mouse)
                ps2mouse_move(w->mouse, 0, 0, -e.wheel.y, w->mouse_buttons);
            break;
        default:
            break;
        }
    }
    return act;
}

bool sdl_window_paused(const struct sdl_window *w) { return w->paused; }

void sdl_window_set_status(struct sdl_window *w, const char *status)
{
    if (strcmp(status, w->status) != 0) {
        snprintf(w->status, sizeof w->status, "%s", status);
        set_title(w);
    }
}

void sdl_window_present(struct sdl_window *w)
{
    unsigned width, height;
    bool changed;
    const uint32_t *pixels = vga_render(w->vga, &width, &height, &changed);
    if (!pixels || width == 0 || height == 0)
        return;
    w->frame = pixels;
    w->frame_w = width;
    w->frame_h = height;
    if (!w->texture || width != w->tex_w || height != w->tex_h) {
        if (w->texture)
            SDL_DestroyTexture(w->texture);
        w->texture = SDL_CreateTexture(w->renderer, SDL_PIXELFORMAT_XRGB8888,
                                       SDL_TEXTUREACCESS_STREAMING, (int)width, (int)height);
        w->tex_w = width;
        w->tex_h = height;
        changed = true;
    }
    if (!w->texture)
        return;
    if (changed)
        SDL_UpdateTexture(w->texture, NULL, pixels, (int)(width * 4));
    /* The largest rectangle of the guest's aspect ratio that fits the window. */
    unsigned num, den;
    vga_display_aspect(w->vga, &num, &den);
    int ww, wh;
    SDL_GetRendererOutputSize(w->renderer, &ww, &wh);
    SDL_Rect dst = { 0, 0, ww, (int)((uint64_t)ww * den / num) };
    if (dst.h > wh) {
        dst.h = wh;
        dst.w = (int)((uint64_t)wh * num / den);
    }
    dst.x = (ww - dst.w) / 2;
    dst.y = (wh - dst.h) / 2;
    SDL_SetRenderDrawColor(w->renderer, 0, 0, 0, 255);
    SDL_RenderClear(w->renderer);
    SDL_RenderCopy(w->renderer, w->texture, NULL, &dst);
    SDL_RenderPresent(w->renderer);
}
