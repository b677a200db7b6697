// SPDX-License-Identifier: MIT
/* The serial console switch: Ctrl-A three times moves the input between
 * the hypervisor (debug keys) and each running domain, as on Xen. */
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/hvm/platform.h>
#include <hv/printk.h>

#define CTRL_A 0x01

static unsigned int focus;      /* 0: the hypervisor, else a domain id */
static unsigned int ctrl_a_run;

static void console_switch_next(void)
{
    for (unsigned int i = 1; i <= MAX_DOMAINS; i++) {
        unsigned int cand = (focus + i) % MAX_DOMAINS;

        if (cand == 0 || (domains[cand] && !domains[cand]->dying)) {
            focus = cand;
            break;
        }
    }
    if (focus)
        printk("*** Serial input to d%u (type 'CTRL-a' three times to switch input)\n",
               focus);
    else
        printk("*** Serial input to Mica (type 'CTRL-a' three times to switch input)\n");
}

void console_input(unsigned char c)
{
    if (c == CTRL_A) {
        if (++ctrl_a_run == 3) {
            ctrl_a_run = 0;
            console_switch_next();
        }
        return;
    }
    /* Ctrl-A typed fewer than three times is passed on as typed. */
    for (; ctrl_a_run; ctrl_a_run--)
        console_input_deliver(CTRL_A);
    console_input_deliver(c);
}

void console_input_deliver(unsigned char c)
{
    struct domain *d = focus < MAX_DOMAINS ? domains[focus] : NULL;

    if (!focus) {
        keyhandler_dispatch(c);
        return;
    }
    if (!d || d->dying) {
        focus = 0; /* the domain went away: input returns to Mica */
        keyhandler_dispatch(c);
        return;
    }
    hvm_platform_console_input(d, c);
}
