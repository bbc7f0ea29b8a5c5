/**
 * The hardware-assisted backend (DESIGN.md §3.2): x86-64 guests on Linux KVM.
 *
 * <pre>
 *  KvmLauncher.run(request)            foreground run for `vireo run --accel kvm`: exit codes, one-line errors
 *    └─ KvmMachine.boot/start(config)  RAM, KvmVm, PC devices, MMIO devices, VcpuThreads
 *         ├─ KvmVm                     VM fd: memory slot, irqchip + PIT2, IRQ_LINE, irqfd, ioeventfd, CPUID table
 *         ├─ VcpuThreads               one platform thread per vCPU ("vireo-vcpu-N"): run / pause / end
 *         │    └─ KvmVcpu              vCPU fd + kvm_run; PIO/MMIO exits → PioBus/MmioBus; race-free kick
 *         ├─ devices.*                 8250 UART (COM1), i8042 reset, ACPI sleep control
 *         ├─ boot.*                    low-memory structures, ELF loader, bzImage loader
 *         └─ acpi.*                    RSDP/XSDT/FADT/DSDT/MADT and a small AML writer
 *  sys.*                               the syscalls (open, ioctl, eventfd, signals) and one class per kernel struct
 *  KernelModeProbe, HostCheck          is guest CPL0 native or emulated here? what does the host offer?
 * </pre>
 *
 * <p>Threads: each vCPU's ioctls come only from its own thread; VM-level ioctls (IRQ_LINE,
 * irqfd) from any thread; devices are called on vCPU threads and synchronize themselves.
 * The entry state of guests is documented in docs/kvm-entry.md.
 */
package dev.vireo.kvm;
