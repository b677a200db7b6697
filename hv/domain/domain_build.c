// SPDX-License-Identifier: MIT
/* Filling a new HVM domain: firmware tables, the kernel (Linux bzImage or
 * multiboot1), its ramdisk and command line, devices and vCPU 0's state. */
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/hvm.h>
#include <hv/hvm/acpi_build.h>
#include <hv/hvm/platform.h>
#include <hv/hvm/vcpu.h>
#include <hv/lib.h>
#include <hv/loader.h>
#include <hv/printk.h>
#include <hv/pvh_loader.h>
#include <hv/xen.h>

static int gm_write(void *opaque, uint64_t gpa, const void *src, size_t len)
{
    return copy_to_gpa(opaque, gpa, src, len);
}

static int gm_zero(void *opaque, uint64_t gpa, size_t len)
{
    static const uint8_t zeros[256];

    while (len) {
        size_t n = MIN(len, sizeof(zeros));
        int rc = copy_to_gpa(opaque, gpa, zeros, n);

        if (rc)
            return rc;
        gpa += n;
        len -= n;
    }
    return 0;
}

static int load_linux(struct domain *d, struct guest_mem *mem,
                      const struct domain_config *cfg, uint64_t rsdp,
                      struct loader_cpu_state *st)
{
    struct bzimage_params p = {
        .image = cfg->kernel, .image_len = cfg->kernel_len,
        .initrd = cfg->ramdisk, .initrd_len = cfg->ramdisk_len,
        .cmdline = cfg->cmdline, .acpi_rsdp_gpa = rsdp,
    };
    static struct bzimage_load_result res;
    int rc = bzimage_load(mem, &p, &res);

    if (rc) {
        printk(LOG_ERR "%s: the Linux kernel could not be loaded (error %d)\n",
               d->name, rc);
        return rc;
    }
    printk("%s: Linux boot protocol %u.%02u, kernel at 0x%lx, initrd %lu KiB at 0x%lx\n",
           d->name, res.protocol >> 8, res.protocol & 0xff, res.kernel_gpa,
           res.initrd_size >> 10, res.initrd_gpa);
    *st = res.cpu;
    return 0;
}

static int load_multiboot(struct domain *d, struct guest_mem *mem,
                          const struct domain_config *cfg, struct loader_cpu_state *st)
{
    struct multiboot_params p = { cfg->kernel, cfg->kernel_len, cfg->cmdline };
    struct multiboot_load_result res;
    int rc = multiboot_load(mem, &p, &res);

    if (rc) {
        printk(LOG_ERR "%s: the multiboot kernel could not be loaded (error %d)\n",
               d->name, rc);
        return rc;
    }
    if (cfg->ramdisk)
        printk(LOG_WARN "%s: multiboot kernels get no ramdisk; ignored\n", d->name);
    *st = res.cpu;
    return 0;
}

static int load_pvh(struct domain *d, struct guest_mem *mem,
                    const struct domain_config *cfg, uint64_t rsdp,
                    struct loader_cpu_state *st)
{
    struct pvh_params p = {
        .image = cfg->kernel, .image_len = cfg->kernel_len,
        .initrd = cfg->ramdisk, .initrd_len = cfg->ramdisk_len,
        .cmdline = cfg->cmdline, .acpi_rsdp_gpa = rsdp,
    };
    static struct pvh_load_result res;
    int rc = pvh_load(mem, &p, &res);

    if (rc) {
        printk(LOG_ERR "%s: the PVH kernel could not be loaded (error %d)\n", d->name, rc);
        return rc;
    }
    printk("%s: PVH entry 0x%x, start_info at 0x%lx, initrd %lu KiB at 0x%lx\n", d->name,
           res.entry, res.start_info_gpa, res.initrd_size >> 10, res.initrd_gpa);
    *st = res.cpu;
    return 0;
}

static int load_kernel(struct domain *d, struct guest_mem *mem,
                       const struct domain_config *cfg, uint64_t rsdp,
                       struct loader_cpu_state *st)
{
    const uint8_t *k = cfg->kernel;
    size_t off;

    if (d->type == DOMAIN_PVH)
        return load_pvh(d, mem, cfg, rsdp, st);
    /* A Linux setup header says "HdrS" at 0x202; then it must parse. */
    if (cfg->kernel_len > 0x206 && !memcmp(k + 0x202, "HdrS", 4))
        return load_linux(d, mem, cfg, rsdp, st);
    if (!multiboot_find_header(cfg->kernel, cfg->kernel_len, &off))
        return load_multiboot(d, mem, cfg, st);
    printk(LOG_ERR "%s: the kernel is neither a Linux bzImage nor a multiboot1 image\n",
           d->name);
    return -EINVAL;
}

/* vCPU 0 starts in flat 32-bit protected mode at the loader's entry. */
static void vcpu0_set_state(struct vcpu *v, const struct loader_cpu_state *st)
{
    struct segment gdtr = { 0, 0, st->gdt_limit, st->gdt_base };

    v->gpr[GPR_RAX] = st->eax;
    v->gpr[GPR_RBX] = st->ebx;
    v->gpr[GPR_RSI] = st->esi;
    hvm_ops->set_seg(v, SEG_GDTR, &gdtr);
    hvm_ops->set_reg(v, HVM_RIP, st->eip);
}

int hvm_domain_build(struct domain *d, const struct domain_config *cfg)
{
    struct guest_mem mem = { gm_write, gm_zero, d->ram_bytes, d };
    struct acpi_build_config acpi = { d->nr_vcpus, ACPI_BUILD_BASE };
    struct loader_cpu_state st;
    int rsdp = acpi_build_tables(&acpi, &mem);
    int rc;

    if (rsdp < 0)
        return rsdp;
    rc = load_kernel(d, &mem, cfg, (uint64_t)rsdp, &st);
    if (!rc && !st.gdt_limit)
        rc = guest_boot_gdt_write(&mem, &st);
    if (!rc)
        rc = hvm_platform_init(d);
    if (!rc && d->xen_abi)
        rc = xen_domain_init(d);
    if (!rc)
        vcpu0_set_state(d->vcpu[0], &st);
    return rc;
}
