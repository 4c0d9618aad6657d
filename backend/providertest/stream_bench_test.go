package providertest_test

import (
	"context"
	"strings"
	"testing"

	"brook/backend/provider"
	pt "brook/backend/providertest"
)

// BenchmarkStreamTokens streams a 2,000-token answer through each adapter,
// to show what reading a stream costs per token (allocations above all),
// with and without tool calls in the adapters.
func BenchmarkStreamTokens(b *testing.B) {
	answer := strings.Repeat("word ", 2000)
	for _, p := range protos {
		b.Run(p.name, func(b *testing.B) {
			srv := p.newServer(pt.Script{Answer: answer, Tokens: pt.SplitTokens(answer, 5), APIKey: keyFor(p)})
			defer srv.Close()
			client := p.newClient(srv.URL)
			req := provider.Request{Model: "tiny:latest", Messages: []provider.Message{{Role: "user", Content: "hi"}}}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := client.Stream(context.Background(), req, func(provider.Delta) {}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
