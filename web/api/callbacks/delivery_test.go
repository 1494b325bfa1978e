package callbacks

import (
	"errors"
	"net/netip"
	"testing"
)

// Every special-purpose range of IANA's IPv4 and IPv6 registries, and IPv4
// embedded in IPv6, is refused by the dialer's check, which runs before a
// connection is made: nothing here is dialled.
func TestCallbackDialCheckRefusesSpecialPurposeRanges(t *testing.T) {
	refused := []string{
		// IPv4 special-purpose registry
		"0.1.2.3", "10.1.2.3", "100.64.0.1", "100.127.255.254", "127.0.0.1", "127.255.255.254", "169.254.169.254",
		"172.16.0.1", "172.31.255.254", "192.0.0.1", "192.0.0.8", "192.0.0.9", "192.0.0.170", "192.0.2.1",
		"192.31.196.1", "192.52.193.1", "192.88.99.1", "192.168.1.1", "192.175.48.1", "198.18.0.1",
		"198.19.255.254", "198.51.100.1", "203.0.113.1", "224.0.0.1", "239.255.255.250", "240.0.0.1",
		"255.255.255.255",
		// IPv6 special-purpose registry, and IPv4 inside IPv6
		"::", "::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:198.18.0.1", "::7f00:1", "::a00:1",
		"64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe", "64:ff9b:1::1", "100::1", "2001::1", "2001:1::1", "2001:2::1",
		"2001:3::1", "2001:4:112::1", "2001:10::1", "2001:20::1", "2001:db8::1", "2002:7f00:1::1", "2002:a00:1::1",
		"2620:4f:8000::1", "3fff::1", "5f00::1", "fc00::1", "fd12:3456::1", "fe80::1", "fec0::1", "ff02::1",
	}
	check := DialCheck(false)
	for _, ip := range refused {
		addr := netip.AddrPortFrom(mustAddr(t, ip), 443).String()
		if err := check("tcp", addr, nil); !errors.Is(err, ErrForbiddenAddress) {
			t.Errorf("%s allowed (%v)", addr, err)
		}
	}
	// Public unicast addresses pass the check (and are not dialled here).
	for _, ip := range []string{"93.184.216.34", "8.8.8.8", "2606:4700::1111", "2a00:1450:4001::1"} {
		for _, port := range []uint16{443, 80, 8443} {
			if err := check("tcp", netip.AddrPortFrom(mustAddr(t, ip), port).String(), nil); err != nil {
				t.Errorf("%s:%d refused: %v", ip, port, err)
			}
		}
	}
	if err := check("tcp", "not an address", nil); err == nil {
		t.Error("an unreadable address passed")
	}
	// --allow-private-callbacks lets everything through.
	if err := DialCheck(true)("tcp", "127.0.0.1:8080", nil); err != nil {
		t.Errorf("allowed: %v", err)
	}
}

func mustAddr(t *testing.T, s string) netip.Addr {
	t.Helper()
	a, err := netip.ParseAddr(s)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
