/* SPDX-License-Identifier: MIT */
/* The state of an HVM domain's platform, private to hv/hvm/. */
#ifndef HV_HVM_PLATFORM_INTERNAL_H
#define HV_HVM_PLATFORM_INTERNAL_H

#include <hv/hvm/platform.h>
#include <hv/hvm/vi8042.h>
#include <hv/hvm/vioapic.h>
#include <hv/hvm/vlapic.h>
#include <hv/hvm/vpci.h>
#include <hv/hvm/vpic.h>
#include <hv/hvm/vpit.h>
#include <hv/hvm/vpmtimer.h>
#include <hv/hvm/vrtc.h>
#include <hv/hvm/vuart.h>

#define TESTDEV_BASE 0xfe000000ULL
#define TESTDEV_SIZE 0x1000
#define CONSOLE_LINE_MAX 160
#define CONSOLE_FLUSH_NS 200000000ULL /* 200 ms */
/* More exits than a guest makes between two bytes of one line (interrupt-
 * driven 8250 output: injection, IIR, LSR, EOI and THR writes). */
#define CONSOLE_FLUSH_EXITS 32
/* ...and after this long in any case: a prompt is never held back for good. */
#define CONSOLE_FLUSH_MAX_NS 2000000000ULL /* 2 s */
/* The same while the guest's UART still has its transmit interrupt on:
 * its driver has bytes queued, so the line goes on unless the guest dies. */
#define CONSOLE_FLUSH_MORE_MAX_NS 10000000000ULL /* 10 s */
#define CONSOLE_RX_RING 1024
#define CONSOLE_RX_RETRY_NS 1000000ULL /* 1 ms */

/*
 * Design: one lock per domain covers every device model and the I/O bus
 * dispatch, since the models call each other (PIT -> PIC -> LAPIC, LAPIC
 * EOI -> IOAPIC) through their irq_line callbacks.
 *
 * Locking: lock is taken with interrupts enabled or disabled, never from
 * an interrupt handler; device callbacks run under it.
 */
struct hvm_platform {
    spinlock_t lock;
    struct domain *d;
    struct io_range ranges[IO_BUS_MAX];
    unsigned int nr_ranges;
    struct vpic pic;
    struct vioapic ioapic;
    struct vlapic lapic[MAX_VCPUS];
    struct vpit pit;
    struct vrtc rtc;
    struct vpmtimer pm;
    struct vuart uart;
    struct vi8042 kbd;
    struct vpci pci;
    uint8_t testdev[TESTDEV_SIZE];
    char con_line[CONSOLE_LINE_MAX];
    unsigned int con_len;
    uint64_t con_last_tx;      /* guest time of the last output byte */
    uint64_t con_tx_exits;     /* the writer's nr_exits then */
    struct vcpu *con_tx_vcpu;  /* the vCPU that wrote the last byte */
    uint64_t rx_dropped;       /* console bytes lost: the input ring was full */
    uint8_t rx_ring[CONSOLE_RX_RING]; /* typed input waiting for UART FIFO room */
    unsigned int rx_head, rx_count;
};

/* The vCPU whose exit is being handled on this pCPU (for the LAPIC page,
 * which is per vCPU at one address). */
struct vcpu *hvm_current_vcpu(void);
int __must_check hvm_platform_register_io(struct domain *d);
void hvm_console_tx(void *opaque, uint8_t c);
void hvm_console_flush(struct hvm_platform *p);
uint64_t hvm_console_poll(struct hvm_platform *p, uint64_t now);
uint64_t hvm_console_rx_poll(struct hvm_platform *p, uint64_t now);
void hvm_platform_sleep(void *opaque, unsigned int slp_typ);
void hvm_platform_reset(void *opaque);
/* Host wall-clock time (CMOS RTC read at boot), Unix seconds. */
uint64_t hvm_wallclock_seconds(void);

#endif /* HV_HVM_PLATFORM_INTERNAL_H */
