/*
 * A minimal C VMM, the practical limit for exits per second: the same machine state as
 * Vireo's (long mode, the GDT/TSS/I/O bitmap/identity map of docs/kvm-entry.md, in-kernel
 * irqchip), running the same flat guest binary, handling port writes in a tight loop.
 * Usage: vmm guest.bin
 */
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define MEM (4u << 20)
#define CHECK(x) do { if ((x) < 0) { perror(#x); exit(1); } } while (0)

static uint64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t) t.tv_sec * 1000000000u + t.tv_nsec;
}

static struct kvm_segment segment(uint16_t selector, uint8_t type, uint8_t l, uint8_t db) {
    struct kvm_segment s = {.base = 0, .limit = 0xffffffff, .selector = selector, .type = type,
                            .present = 1, .dpl = 0, .db = db, .s = 1, .l = l, .g = 1};
    return s;
}

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: vmm guest.bin\n"); return 2; }
    int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    CHECK(kvm);
    int vm = ioctl(kvm, KVM_CREATE_VM, 0);
    CHECK(vm);
    CHECK(ioctl(vm, KVM_SET_TSS_ADDR, 0xfffbd000));
    CHECK(ioctl(vm, KVM_CREATE_IRQCHIP, 0));
    uint8_t *mem = mmap(NULL, MEM, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED) { perror("mmap"); return 1; }
    struct kvm_userspace_memory_region region = {.slot = 0, .guest_phys_addr = 0, .memory_size = MEM,
                                                 .userspace_addr = (uint64_t) mem};
    CHECK(ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region));

    FILE *f = fopen(argv[1], "rb");
    if (!f) { perror(argv[1]); return 1; }
    size_t n = fread(mem + 0x100000, 1, MEM - 0x100000, f);
    fclose(f);
    if (n == 0) { fprintf(stderr, "empty guest\n"); return 1; }

    uint64_t gdt[] = {0, 0, 0x00af9b000000ffff, 0x00cf93000000ffff, 0x00cff3000000ffff,
                      0x00affb000000ffff, 0, 0};
    uint32_t tss_limit = 0x68 + 0x2000;
    gdt[6] = (tss_limit & 0xffff) | ((uint64_t) 0x600 << 16) | (0x89ull << 40);
    memcpy(mem + 0x500, gdt, sizeof gdt);
    *(uint16_t *) (mem + 0x600 + 0x66) = 0x68;          /* I/O bitmap right after the TSS: all ports allowed */
    mem[0x600 + tss_limit] = 0xff;
    *(uint64_t *) (mem + 0x9000) = 0xa000 | 7;
    *(uint64_t *) (mem + 0xa000) = 0xb000 | 7;
    for (uint64_t i = 0; i < 512; i++) *(uint64_t *) (mem + 0xb000 + 8 * i) = (i << 21) | 0x87;

    int vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
    CHECK(vcpu);
    int run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
    CHECK(run_size);
    struct kvm_run *run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
    if (run == MAP_FAILED) { perror("mmap run"); return 1; }

    struct kvm_sregs sregs;
    CHECK(ioctl(vcpu, KVM_GET_SREGS, &sregs));
    sregs.cs = segment(0x10, 0xb, 1, 0);
    sregs.ds = sregs.es = sregs.fs = sregs.gs = sregs.ss = segment(0x18, 0x3, 0, 1);
    sregs.tr = (struct kvm_segment) {.base = 0x600, .limit = tss_limit, .selector = 0x30, .type = 11, .present = 1};
    sregs.gdt.base = 0x500;
    sregs.gdt.limit = sizeof gdt - 1;
    sregs.idt.base = 0;
    sregs.idt.limit = 0;
    sregs.cr0 = 0x80000033;
    sregs.cr3 = 0x9000;
    sregs.cr4 = 0x620;
    sregs.efer = 0x501;
    CHECK(ioctl(vcpu, KVM_SET_SREGS, &sregs));
    struct kvm_regs regs = {.rip = 0x100000, .rsp = 0x80000, .rflags = 2};
    CHECK(ioctl(vcpu, KVM_SET_REGS, &regs));

    uint64_t marks[2] = {0, 0}, exits = 0;
    int nmarks = 0;
    uint8_t scratch = 0;
    for (;;) {
        CHECK(ioctl(vcpu, KVM_RUN, 0));
        exits++;
        if (run->exit_reason != KVM_EXIT_IO) {
            fprintf(stderr, "unexpected exit %u\n", run->exit_reason);
            return 1;
        }
        uint8_t *data = (uint8_t *) run + run->io.data_offset;
        if (run->io.port == 0x80 && nmarks < 2) marks[nmarks++] = now_ns();
        else if (run->io.port == 0x3ff) scratch = *data;
        else if (run->io.port == 0x64 && *data == 0xfe) break;
    }
    (void) scratch;
    double seconds = (marks[1] - marks[0]) / 1e9;
    printf("%.0f\n", (exits - 3) / seconds);
    return 0;
}
