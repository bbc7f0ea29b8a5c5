package dev.vireo.daemon.network;

/**
 * The body of {@code POST /api/networks}: a named network as the user writes it.
 *
 * @param mode   nat, internal, hostonly or bridge
 * @param dhcp   internal only, optional: serve DHCP from ADDR/PREFIX (e.g. 10.10.0.1/24)
 * @param subnet hostonly only, required: the host's address on the network, ADDR/PREFIX (e.g. 192.168.56.1/24)
 * @param bridge bridge only, required: an existing host bridge
 * @param acl    internal and hostonly, optional: per-port ACLs, the text of an ACL file
 *               ({@code vireo net create --acl FILE} sends the file's content)
 */
public record NetworkSpec(String name, String mode, String dhcp, String subnet, String bridge, String acl) {}
