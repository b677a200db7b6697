// SPDX-License-Identifier: MIT
/* MSR policy for HVM guests: a table of the MSRs a guest may use; any
 * other raises #GP (logged once per MSR index). */
#include <hv/hvm/platform.h>
#include <hv/hvm/vcpu.h>
#include <hv/lib.h>
#include <hv/printk.h>
#include <hv/time.h>
#include <hv/x86.h>
#include <public/arch-x86/cpuid.h>

#define MSR_TSC 0x10
#define MSR_MTRRCAP 0xfe
#define MSR_MTRR_PHYS_FIRST 0x200
#define MSR_MTRR_PHYS_LAST 0x20f
#define MSR_MTRR_FIX64K 0x250
#define MSR_MTRR_FIX16K_FIRST 0x258
#define MSR_MTRR_FIX16K_LAST 0x259
#define MSR_MTRR_FIX4K_FIRST 0x268
#define MSR_MTRR_FIX4K_LAST 0x26f
#define MSR_PAT 0x277
#define MSR_MTRR_DEF_TYPE 0x2ff
#define MSR_MCG_CAP 0x179
#define MSR_MCG_STATUS 0x17a
#define MSR_PLATFORM_ID 0x17
#define MSR_FEATURE_CONTROL 0x3a
#define MSR_MISC_ENABLE 0x1a0
#define MSR_UCODE_REV 0x8b
#define MSR_AMD_HWCR 0xc0010015
#define MSR_AMD_VM_CR 0xc0010114
#define MSR_AMD_SYSCFG 0xc0010010
#define MSR_AMD_NB_CFG 0xc001001f
#define MSR_AMD_LS_CFG 0xc0011020
#define MSR_AMD_DE_CFG 0xc0011029
#define MSR_TSC_AUX 0xc0000103

#define EFER_ALLOWED (1ULL << 0 | 1ULL << 8 | 1ULL << 10 | 1ULL << 11 | 1ULL << 14)

/* 0 or -1 (#GP). */
typedef int (*msr_fn)(struct vcpu *v, uint32_t msr, bool write, uint64_t *val);

static int msr_efer(struct vcpu *v, uint32_t msr, bool write, uint64_t *val)
{
    (void)msr;
    if (!write) {
        *val = hvm_ops->get_reg(v, HVM_EFER);
        return 0;
    }
    /* SVME and unknown bits are refused: the guest gets #GP. LMA is
     * maintained by the CPU, so the written value of it is ignored. */
    if (*val & ~EFER_ALLOWED)
        return -1;
    hvm_ops->set_reg(v, HVM_EFER, (*val & ~EFER_LMA) |
                     (hvm_ops->get_reg(v, HVM_EFER) & EFER_LMA));
    return 0;
}

static bool pat_valid(uint64_t pat)
{
    for (int i = 0; i < 8; i++) {
        uint8_t t = (pat >> (i * 8)) & 0xff;

        if (t == 2 || t == 3 || t > 7)
            return false;
    }
    return true;
}

static int msr_pat(struct vcpu *v, uint32_t msr, bool write, uint64_t *val)
{
    (void)msr;
    if (!write)
        *val = hvm_ops->get_reg(v, HVM_PAT);
    else if (pat_valid(*val))
        hvm_ops->set_reg(v, HVM_PAT, *val);
    else
        return -1;
    return 0;
}

/* The guest TSC is the host's plus the VMCB offset; writing it moves the
 * offset. */
static int msr_tsc(struct vcpu *v, uint32_t msr, bool write, uint64_t *val)
{
    int64_t *off = &v->tsc_offset;

    (void)msr;
    if (write) {
        *off = (int64_t)(*val - rdtsc());
        hvm_ops->set_tsc_offset(v, *off);
    } else {
        *val = rdtsc() + (uint64_t)*off;
    }
    return 0;
}

/* MTRRs are remembered but have no effect: nested paging uses the host's
 * memory types with the guest PAT. */
static int msr_mtrr(struct vcpu *v, uint32_t msr, bool write, uint64_t *val)
{
    uint64_t *slot;

    if (msr == MSR_MTRR_DEF_TYPE)
        slot = &v->mtrr_def_type;
    else if (msr >= MSR_MTRR_PHYS_FIRST && msr <= MSR_MTRR_PHYS_LAST)
        slot = &v->mtrr[msr - MSR_MTRR_PHYS_FIRST];
    else if (msr == MSR_MTRR_FIX64K)
        slot = &v->mtrr[16];
    else if (msr <= MSR_MTRR_FIX16K_LAST && msr >= MSR_MTRR_FIX16K_FIRST)
        slot = &v->mtrr[17 + msr - MSR_MTRR_FIX16K_FIRST];
    else
        slot = &v->mtrr[19 + msr - MSR_MTRR_FIX4K_FIRST];
    if (write)
        *slot = *val;
    else
        *val = *slot;
    return 0;
}

/* Read-only constants; writes are ignored. */
static int msr_const(struct vcpu *v, uint32_t msr, bool write, uint64_t *val)
{
    (void)v;
    if (write)
        return 0;
    switch (msr) {
    case MSR_MTRRCAP: *val = (1U << 10) | (1U << 8) | 8; break; /* WC, fixed, 8 var */
    case MSR_AMD_VM_CR: *val = (1U << 4) | (1U << 3); break;    /* SVMDIS, LOCK */
    /* Intel: locked with VMX off (the guest has no VMX); and fast strings
     * on, no branch-trace store or PEBS, which Linux reads unguarded on
     * any Intel CPU of family 6 model 0xd or later. */
    case MSR_FEATURE_CONTROL: *val = 1; break;
    case MSR_MISC_ENABLE: *val = (1U << 0) | (1U << 11) | (1U << 12); break;
    default: *val = 0; break;
    }
    return 0;
}

/* Model-specific configuration registers Linux reads on AMD CPUs: they
 * read as zero and writes are dropped, as no such hardware is modelled.
 * TSC_AUX is kept, so a guest reading back what it wrote is not surprised. */
static int msr_scratch(struct vcpu *v, uint32_t msr, bool write, uint64_t *val)
{
    if (msr == MSR_TSC_AUX) {
        if (write)
            v->tsc_aux = (uint32_t)*val;
        else
            *val = v->tsc_aux;
        return 0;
    }
    if (!write)
        *val = 0;
    return 0;
}

/* IA32_TSC_DEADLINE: a guest TSC value, turned into guest time for the
 * vLAPIC (guest TSC = host TSC + offset; guest time 0 = domain creation). */
static int msr_tsc_deadline(struct vcpu *v, uint32_t msr, bool write, uint64_t *val)
{
    uint64_t ns = 0;

    (void)msr;
    if (write && *val) {
        uint64_t host_ns = tsc_to_ns(*val - (uint64_t)v->tsc_offset);

        ns = host_ns > v->domain->created_ns ? host_ns - v->domain->created_ns : 1;
    }
    return hvm_platform_tsc_deadline(v, write, val, ns);
}

static int msr_apic_base(struct vcpu *v, uint32_t msr, bool write, uint64_t *val)
{
    (void)msr;
    return hvm_platform_apic_base_msr(v, write, val);
}

/*
 * The hypercall page MSR of Xen-ABI guests (xen-abi.md §1.3): writing a
 * page-aligned guest-physical address fills that page with 128 32-byte
 * stubs "mov $i, %eax; vmmcall; ret" (stub 23, iret, is ud2 for HVM).
 */
static int msr_hypercall_page(struct vcpu *v, uint32_t msr, bool write, uint64_t *val)
{
    /* VMMCALL on AMD, VMCALL elsewhere: what the host CPU intercepts. */
    uint8_t call3 = cpuid(0).ebx == 0x68747541 /* "Auth" */ ? 0xd9 : 0xc1;
    uint8_t stub[32];

    (void)msr;
    if (!v->domain->xen_abi)
        return -1;
    if (!write) {
        *val = 0;
        return 0;
    }
    if (*val & (PAGE_SIZE - 1))
        return -1;
    for (uint32_t i = 0; i < 128; i++) {
        memset(stub, 0xcc, sizeof(stub));
        if (i == 23) {
            stub[0] = 0x0f, stub[1] = 0x0b;
        } else {
            stub[0] = 0xb8;
            memcpy(stub + 1, &i, 4);
            stub[5] = 0x0f, stub[6] = 0x01, stub[7] = call3, stub[8] = 0xc3;
        }
        if (copy_to_gpa(v->domain, *val + i * 32, stub, sizeof(stub)))
            return -1;
    }
    return 0;
}

static const struct {
    uint32_t first, last;
    msr_fn fn;
} msr_table[] = {
    { XEN_CPUID_HYPERCALL_MSR, XEN_CPUID_HYPERCALL_MSR, msr_hypercall_page },
    { MSR_EFER, MSR_EFER, msr_efer },
    { MSR_PAT, MSR_PAT, msr_pat },
    { MSR_TSC, MSR_TSC, msr_tsc },
    { MSR_APIC_BASE, MSR_APIC_BASE, msr_apic_base },
    { MSR_TSC_DEADLINE, MSR_TSC_DEADLINE, msr_tsc_deadline },
    { MSR_MTRR_PHYS_FIRST, MSR_MTRR_PHYS_LAST, msr_mtrr },
    { MSR_MTRR_FIX64K, MSR_MTRR_FIX64K, msr_mtrr },
    { MSR_MTRR_FIX16K_FIRST, MSR_MTRR_FIX16K_LAST, msr_mtrr },
    { MSR_MTRR_FIX4K_FIRST, MSR_MTRR_FIX4K_LAST, msr_mtrr },
    { MSR_MTRR_DEF_TYPE, MSR_MTRR_DEF_TYPE, msr_mtrr },
    { MSR_MTRRCAP, MSR_MTRRCAP, msr_const },
    { MSR_PLATFORM_ID, MSR_PLATFORM_ID, msr_const },
    { MSR_FEATURE_CONTROL, MSR_FEATURE_CONTROL, msr_const },
    { MSR_MISC_ENABLE, MSR_MISC_ENABLE, msr_const },
    { MSR_UCODE_REV, MSR_UCODE_REV, msr_const },
    { MSR_MCG_CAP, MSR_MCG_STATUS, msr_const },
    { MSR_AMD_HWCR, MSR_AMD_HWCR, msr_const },
    { MSR_AMD_VM_CR, MSR_AMD_VM_CR, msr_const },
    { MSR_AMD_SYSCFG, MSR_AMD_SYSCFG, msr_scratch },
    { MSR_AMD_NB_CFG, MSR_AMD_NB_CFG, msr_scratch },
    { MSR_AMD_LS_CFG, MSR_AMD_LS_CFG, msr_scratch },
    { MSR_AMD_DE_CFG - 1, MSR_AMD_DE_CFG, msr_scratch },
    { MSR_TSC_AUX, MSR_TSC_AUX, msr_scratch },
};

static msr_fn msr_lookup(uint32_t msr)
{
    for (unsigned int i = 0; i < ARRAY_SIZE(msr_table); i++)
        if (msr >= msr_table[i].first && msr <= msr_table[i].last)
            return msr_table[i].fn;
    return NULL;
}

/* Log each unknown MSR index once, from a small remembered set. */
static void msr_log_unknown(struct vcpu *v, uint32_t msr, bool write)
{
    static uint32_t seen[32];
    static unsigned int nr_seen;

    for (unsigned int i = 0; i < MIN(nr_seen, ARRAY_SIZE(seen)); i++)
        if (seen[i] == msr)
            return;
    if (nr_seen < ARRAY_SIZE(seen))
        seen[nr_seen] = msr;
    nr_seen++;
    printk(LOG_WARN "d%u: %s of unknown MSR 0x%x -> #GP\n", v->domain->id,
           write ? "write" : "read", msr);
}

void hvm_handle_msr(struct vcpu *v, const struct hvm_exit *e, bool write)
{
    uint32_t msr = (uint32_t)v->gpr[GPR_RCX];
    uint64_t val = (v->gpr[GPR_RDX] << 32) | (uint32_t)v->gpr[GPR_RAX];
    msr_fn fn = msr_lookup(msr);

    if (!fn || fn(v, msr, write, &val)) {
        if (!fn)
            msr_log_unknown(v, msr, write);
        hvm_inject_gp(v);
        return;
    }
    if (!write) {
        v->gpr[GPR_RAX] = (uint32_t)val;
        v->gpr[GPR_RDX] = val >> 32;
    }
    hvm_advance_rip(v, hvm_insn_length(v, e, 2));
}
