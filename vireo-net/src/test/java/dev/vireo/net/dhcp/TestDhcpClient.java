package dev.vireo.net.dhcp;

import dev.vireo.net.frame.FrameBuilder;
import dev.vireo.net.frame.MacAddress;
import dev.vireo.net.frame.PacketView;

/** Builds client messages and reads replies, as a guest's DHCP client would. */
final class TestDhcpClient {
    final long mac;
    final int xid;

    TestDhcpClient(long mac, int xid) {
        this.mac = mac;
        this.xid = xid;
    }

    int discover(byte[] out) {
        int q = FrameBuilder.udpPayloadOffset();
        int i = DhcpMessage.writeHeader(out, q, DhcpMessage.BOOTREQUEST, xid, DhcpMessage.FLAG_BROADCAST, 0, 0, 0, mac);
        i = DhcpMessage.putByte(out, i, DhcpMessage.OPT_MESSAGE_TYPE, DhcpMessage.DISCOVER);
        i = DhcpMessage.putEnd(out, i);
        return FrameBuilder.udp(out, MacAddress.BROADCAST, mac, 0, -1, 68, 67, i - q);
    }

    int request(byte[] out, int address, int server) {
        int q = FrameBuilder.udpPayloadOffset();
        int i = DhcpMessage.writeHeader(out, q, DhcpMessage.BOOTREQUEST, xid, DhcpMessage.FLAG_BROADCAST, 0, 0, 0, mac);
        i = DhcpMessage.putByte(out, i, DhcpMessage.OPT_MESSAGE_TYPE, DhcpMessage.REQUEST);
        i = DhcpMessage.putInt(out, i, DhcpMessage.OPT_REQUESTED_IP, address);
        if (server != 0) i = DhcpMessage.putInt(out, i, DhcpMessage.OPT_SERVER_ID, server);
        i = DhcpMessage.putEnd(out, i);
        return FrameBuilder.udp(out, MacAddress.BROADCAST, mac, 0, -1, 68, 67, i - q);
    }

    /** A parsed reply: message type, yiaddr, and the frame for option lookups. */
    record Reply(int type, int yiaddr, byte[] frame, int dhcpOffset, int dhcpLength) {
        int address(int option) {
            return DhcpMessage.addressOption(frame, dhcpOffset, dhcpLength, option);
        }
    }

    Reply parse(byte[] frame, int length) {
        PacketView v = new PacketView();
        if (v.parse(frame, 0, length, 2000) != PacketView.Status.OK || v.destinationPort() != 68) return null;
        int p = v.l4Offset() + 8, n = v.l4Length() - 8;
        if (!DhcpMessage.valid(frame, p, n) || DhcpMessage.xid(frame, p) != xid) return null;
        return new Reply(DhcpMessage.messageType(frame, p, n), DhcpMessage.yiaddr(frame, p), frame, p, n);
    }
}
