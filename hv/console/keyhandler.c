// SPDX-License-Identifier: MIT
/* Serial debug keys, as Xen has them: one character, one action. */
#include <hv/console.h>
#include <hv/printk.h>

struct keyhandler {
    keyhandler_fn fn;
    const char *desc;
};

static struct keyhandler handlers[128];

void keyhandler_register(unsigned char key, keyhandler_fn fn, const char *desc)
{
    if (key < 128) {
        handlers[key].fn = fn;
        handlers[key].desc = desc;
    }
}

void keyhandler_dispatch(unsigned char key)
{
    if (key < 128 && handlers[key].fn) {
        printk("'%c' pressed -> %s\n", key, handlers[key].desc);
        handlers[key].fn(key);
    }
}

static void key_help(unsigned char key)
{
    (void)key;
    for (unsigned int k = 0; k < 128; k++)
        if (handlers[k].fn)
            printk(" key '%c' (ascii %02x) => %s\n", k, k, handlers[k].desc);
}

void keyhandler_init(void)
{
    keyhandler_register('h', key_help, "show this message");
}
