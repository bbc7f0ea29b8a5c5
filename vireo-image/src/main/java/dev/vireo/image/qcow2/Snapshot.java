package dev.vireo.image.qcow2;

/**
 * One entry of the qcow2 snapshot table (qcow2.txt, "Snapshot table"):
 * <pre>
 *  0 l1_table_offset (u64)  8 l1_size (u32)  12 id_str_size (u16)  14 name_size (u16)
 * 16 date_sec (u32)  20 date_nsec (u32)  24 vm_clock_nsec (u64)  32 vm_state_size (u32)
 * 36 extra_data_size (u32)  40 extra data (v3: vm_state_size_large u64, disk_size u64, …)
 * then id string, name string, padding to 8 bytes
 * </pre>
 *
 * @param diskSize the virtual size when taken, or -1 if the entry does not record it (v2)
 */
public record Snapshot(String id, String name, long l1TableOffset, int l1Size, long dateSeconds, int dateNanos,
                       long vmClockNanos, long vmStateSize, long diskSize, byte[] extraData) { }
