package dev.vireo.daemon.registry;

import java.time.Instant;

/** A volume in VIREO_HOME/disks. {@code backing} is the base of a linked clone (null otherwise). */
public record DiskRecord(String name, String format, long sizeBytes, String path, String backing,
                         boolean readOnly, Instant createdAt) {}
