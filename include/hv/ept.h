/* SPDX-License-Identifier: MIT */
/* Intel EPT: the hardware view of a domain's p2m on VMX (ept/ept.c). */
#ifndef HV_EPT_H
#define HV_EPT_H

#include <hv/npt.h>
#include <hv/types.h>

/*
 * EPT paging-structure entries ("EPT Translation Mechanism", 4-level):
 * bits 0-2 grant read, write and execute; a leaf holds the memory type in
 * bits 5:3 and "ignore PAT" in bit 6; bit 7 marks a 2 MiB / 1 GiB leaf.
 * Read/write/execute sit exactly where x86 P/W/U do, so EPT tables are
 * built by the NPT builder (struct npt) with the memory type added to
 * every leaf. Non-leaf entries grant RWX and keep bits 7:3 zero.
 */
#define EPT_R (1ULL << 0)
#define EPT_W (1ULL << 1)
#define EPT_X (1ULL << 2)
#define EPT_MT_SHIFT 3
#define EPT_IGNORE_PAT (1ULL << 6)
#define EPT_LARGE (1ULL << 7)

/* Memory types ("Memory Type Encodings"); 2, 3 and 7 are reserved. */
enum ept_memtype { EPT_MT_UC = 0, EPT_MT_WC = 1, EPT_MT_WT = 4, EPT_MT_WP = 5, EPT_MT_WB = 6 };

/* EPTP: paging-structure memory type in 2:0, walk length - 1 in 5:3. */
#define EPTP_WALK_4 (3ULL << 3)

struct ept {
    struct npt tables;
};

bool ept_memtype_valid(unsigned int mt);
/* RAM leaves: read, write, execute, memory type mt, guest PAT honoured. */
uint64_t ept_leaf_attrs(enum ept_memtype mt);
int __must_check ept_init(struct ept *e, const struct npt_page_ops *pages, enum ept_memtype mt);
int __must_check ept_map(struct ept *e, uint64_t gpa, paddr_t pa, uint64_t size);
int __must_check ept_unmap(struct ept *e, uint64_t gpa, uint64_t size);
int ept_lookup(const struct ept *e, uint64_t gpa, paddr_t *pa);
paddr_t ept_root(const struct ept *e);
void ept_destroy(struct ept *e);
/* The EPT pointer for a 4-level tree at root, walked with memory type mt. */
uint64_t ept_eptp(paddr_t root, enum ept_memtype mt);

#endif /* HV_EPT_H */
