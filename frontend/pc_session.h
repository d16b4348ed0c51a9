/* Running a PC built from the command line, with or without the window. */
#ifndef GLASS86_PC_SESSION_H
#define GLASS86_PC_SESSION_H

#include <stdio.h>

#include "frontend/options.h"

/* Build the PC, run it to its end and return glass86's exit status. */
int run_pc(const struct options *o, FILE *debugcon);

#endif
