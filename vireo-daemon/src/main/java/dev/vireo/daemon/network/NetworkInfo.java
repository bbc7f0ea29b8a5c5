package dev.vireo.daemon.network;

import java.util.List;

/**
 * A named network as the API shows it.
 *
 * @param state  {@code up} (its switch is serving), {@code down: REASON}, or {@code per-vm}
 *               (nat, bridge: each VM NIC has its own passt or TAP; the daemon runs nothing)
 * @param socket the switch's socket (internal, hostonly), else null
 * @param ports  the switch's attached ports now (VM names, plus {@code dhcp}/{@code uplink})
 * @param vms    the defined VMs with a NIC on this network
 * @param leases DHCP leases handed out since the switch started
 */
public record NetworkInfo(String name, String mode, String dhcp, String subnet, String bridge, String acl, String state,
                          String socket, List<String> ports, List<String> vms, int leases, String createdAt) {}
