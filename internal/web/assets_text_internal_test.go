package web

import "testing"

func TestLinkify(t *testing.T) {
	cases := []struct{ in, want string }{
		{"", ""},
		{"plain text", "plain text"},
		{"<b>bold</b> & \"quotes\" 'apos'", "&lt;b&gt;bold&lt;/b&gt; &amp; &#34;quotes&#34; &#39;apos&#39;"},
		{"see https://wiki.example/a?b=1&c=2.", `see <a href="https://wiki.example/a?b=1&amp;c=2" rel="noopener nofollow">https://wiki.example/a?b=1&amp;c=2</a>.`},
		{"(http://x.example/p)", `(<a href="http://x.example/p" rel="noopener nofollow">http://x.example/p</a>)`},
		{"HTTPS://X.EXAMPLE", `<a href="HTTPS://X.EXAMPLE" rel="noopener nofollow">HTTPS://X.EXAMPLE</a>`},
		{"javascript:alert(1) data:text/html,<script>", "javascript:alert(1) data:text/html,&lt;script&gt;"},
		{`https://x.example/"onmouseover="alert(1)`, `<a href="https://x.example/" rel="noopener nofollow">https://x.example/</a>&#34;onmouseover=&#34;alert(1)`},
		{"https://x.example/<script>alert(1)</script>", `<a href="https://x.example/" rel="noopener nofollow">https://x.example/</a>&lt;script&gt;alert(1)&lt;/script&gt;`},
		{"javascript:https://x.example", `javascript:<a href="https://x.example" rel="noopener nofollow">https://x.example</a>`},
		{"http:// nothing", "http:// nothing"},
		{"https://", "https://"},
		{"два\nhttps://вики.пример/страница»", "два\n<a href=\"https://вики.пример/страница\" rel=\"noopener nofollow\">https://вики.пример/страница</a>»"},
	}
	for _, c := range cases {
		if got := string(linkify(c.in)); got != c.want {
			t.Errorf("linkify(%q)\n got %s\nwant %s", c.in, got, c.want)
		}
	}
}

func TestParseIDList(t *testing.T) {
	ids, ok := parseIDList([]string{"1, 2,,3", "4"})
	if !ok || len(ids) != 4 || ids[3] != 4 {
		t.Fatalf("%v %v", ids, ok)
	}
	for _, bad := range [][]string{{"x"}, {"0"}, {"-1"}, {"1;2"}, {"18446744073709551616"}} {
		if _, ok := parseIDList(bad); ok {
			t.Errorf("%q parsed", bad)
		}
	}
	if ids, ok := parseIDList(nil); !ok || len(ids) != 0 {
		t.Fatal("no ids is fine (the filter decides)")
	}
}
