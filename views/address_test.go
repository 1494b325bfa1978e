package views

import "testing"

func TestAddressesWrapBetweenTheirParts(t *testing.T) {
	got := wrapParts("ada.lovelace@long-domain.example.com")
	if got != "ada.<wbr>lovelace<wbr>@long-<wbr>domain.<wbr>example.<wbr>com" {
		t.Fatalf("%q", got)
	}
	if got := wrapParts("<b>@x.y"); got != "&lt;b&gt;<wbr>@x.<wbr>y" {
		t.Fatalf("not escaped: %q", got)
	}
}
