/* SPDX-License-Identifier: MIT */
/* Hypervisor CPUID leaves (0x40000000 + 0x100*k + n) as Xen guests expect them. */
#ifndef PUBLIC_ARCH_X86_CPUID_H
#define PUBLIC_ARCH_X86_CPUID_H

/*
 * The Xen leaves start at the first free 0x100-aligned base from
 * 0x40000000 (0x40000100 when Viridian leaves occupy 0x40000000). Guests
 * scan base = 0x40000000..0x4000ff00 in steps of 0x100 for the signature
 * and require leaf base+0 EAX - base >= 2. All values are written by [hv].
 */
#define XEN_CPUID_FIRST_LEAF 0x40000000
#define XEN_CPUID_LEAF(i) (XEN_CPUID_FIRST_LEAF + (i))
#define XEN_CPUID_BASE_STRIDE 0x100     /* Mica name: distance between candidate bases */
#define XEN_CPUID_BASE_LAST 0x4000ff00  /* Mica name: last base Linux scans */
#define XEN_CPUID_MAX_NUM_LEAVES 5      /* highest offset: base+0 EAX = base + 5 */

/* Mica names for the leaf offsets n (leaf = base + n). */
#define XEN_CPUID_LEAF_SIGNATURE 0 /* EAX base+max, EBX:ECX:EDX "XenVMMXenVMM" */
#define XEN_CPUID_LEAF_VERSION 1   /* EAX (major << 16) | minor; EBX..EDX 0 */
#define XEN_CPUID_LEAF_HYPERCALL 2 /* EAX #hypercall pages (1), EBX MSR, ECX FEAT1 */
#define XEN_CPUID_LEAF_TIME 3      /* TSC information, sub-leaves 0..2 */
#define XEN_CPUID_LEAF_HVM 4       /* HVM/PVH features, sub-leaf 0 */
#define XEN_CPUID_LEAF_PV 5        /* PV parameters, sub-leaf 0 */

/* Leaf 0: EBX, ECX, EDX spell "XenVMMXenVMM" (little-endian). */
#define XEN_CPUID_SIGNATURE "XenVMMXenVMM" /* Mica name: the 12-byte string */
#define XEN_CPUID_SIGNATURE_EBX 0x566e6558 /* "XenV" */
#define XEN_CPUID_SIGNATURE_ECX 0x65584d4d /* "MMXe" */
#define XEN_CPUID_SIGNATURE_EDX 0x4d4d566e /* "nVMM" */

/*
 * Leaf 2: EBX = MSR index; the guest writes the guest-physical address of
 * a page there (low 12 bits zero) and the hypervisor fills it with
 * hypercall stubs. 0x40000200 when Viridian is on.
 */
#define XEN_CPUID_HYPERCALL_MSR 0x40000000         /* Mica name */
#define XEN_CPUID_HYPERCALL_MSR_VIRIDIAN 0x40000200 /* Mica name */
/* Leaf 2 ECX (PV only): MMU_PT_UPDATE_PRESERVE_AD is supported. */
#define XEN_CPUID_FEAT1_MMU_PT_UPDATE_PRESERVE_AD (1u << 0)

/*
 * Leaf 3 sub-leaf 0: EAX flags below, EBX tsc_mode, ECX guest TSC kHz,
 * EDX incarnation (migration count). Sub-leaf 1: EAX:EBX TSC offset,
 * ECX tsc->ns multiplier, EDX tsc->ns shift. Sub-leaf 2: EAX host TSC kHz.
 */
#define XEN_CPUID_TSC_EMULATED (1u << 0)       /* RDTSC is emulated */
#define XEN_CPUID_HOST_TSC_RELIABLE (1u << 1)  /* host TSC is invariant and synced */
#define XEN_CPUID_RDTSCP_INSTR_AVAIL (1u << 2) /* RDTSCP usable */
#define XEN_CPUID_TSC_MODE_DEFAULT 0           /* emulate only if needed */
#define XEN_CPUID_TSC_MODE_ALWAYS_EMULATE 1u
#define XEN_CPUID_TSC_MODE_NEVER_EMULATE 2u
#define XEN_CPUID_TSC_MODE_PVRDTSCP 3u         /* never emulate, TSC_AUX supported */

/* Leaf 4 sub-leaf 0 (HVM/PVH only): EAX flags, EBX vCPU id, ECX domid. */
#define XEN_HVM_CPUID_APIC_ACCESS_VIRT (1u << 0) /* APIC register accesses virtualised */
#define XEN_HVM_CPUID_X2APIC_VIRT (1u << 1)      /* x2APIC accesses virtualised */
#define XEN_HVM_CPUID_IOMMU_MAPPINGS (1u << 2)   /* foreign mappings are in the IOMMU */
#define XEN_HVM_CPUID_VCPU_ID_PRESENT (1u << 3)  /* EBX holds the Xen vCPU id */
#define XEN_HVM_CPUID_DOMID_PRESENT (1u << 4)    /* ECX holds the domid */
#define XEN_HVM_CPUID_EXT_DEST_ID (1u << 5)      /* 15-bit MSI/IO-APIC destination ids */
#define XEN_HVM_CPUID_UPCALL_VECTOR (1u << 6)    /* set_evtchn_upcall_vector usable */

/*
 * Leaf 5 sub-leaf 0 (PV only): EAX max sub-leaf (0), EBX[7:0] machine
 * address width. Linux PV asks for grant-table v2 when it exceeds 44, so
 * report at most 44 (or 0) to keep guests on v1.
 */
#define XEN_CPUID_MACHINE_ADDRESS_WIDTH_MASK (0xffu << 0)

#endif /* PUBLIC_ARCH_X86_CPUID_H */
