/**
 * The KVM backend's view of the kernel: each system call wrapped once with errno captured
 * ({@link dev.vireo.kvm.sys.Kvm}, {@link dev.vireo.kvm.sys.EventFd},
 * {@link dev.vireo.kvm.sys.ThreadSignals}) and one class per {@code <linux/kvm.h>} structure,
 * its C definition quoted in the Javadoc and its size checked by a test against the ioctl number.
 */
package dev.vireo.kvm.sys;
