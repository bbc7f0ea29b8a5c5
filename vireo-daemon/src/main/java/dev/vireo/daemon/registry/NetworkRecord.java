package dev.vireo.daemon.registry;

import java.time.Instant;

/**
 * A named network as the registry stores it ({@code vireo net create}).
 *
 * @param mode        nat, internal, hostonly or bridge ({@link dev.vireo.daemon.network.NetworkMode})
 * @param dhcp        internal: the DHCP server's ADDR/PREFIX, or null for no DHCP
 * @param hostAddress hostonly: the host TAP's ADDR/PREFIX
 * @param bridge      bridge: the existing host bridge the VMs' TAPs join
 * @param acl         internal, hostonly: per-port ACLs (an ACL file's text), or null for none
 */
public record NetworkRecord(String name, String mode, String dhcp, String hostAddress, String bridge, String acl, Instant createdAt) {}
