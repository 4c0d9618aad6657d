package secrets

import (
	"testing"

	"github.com/zalando/go-keyring"
)

func TestStoreRoundTripsThroughTheKeyring(t *testing.T) {
	keyring.MockInit()
	s := New("BrookTest")
	if !s.Available() {
		t.Fatal("the mock keyring should be available")
	}
	if v, err := s.Get("ep1"); err != nil || v != "" {
		t.Fatalf("Get of a missing key = %q, %v; want empty, nil", v, err)
	}
	if err := s.Set("ep1", "sk-secret"); err != nil {
		t.Fatal(err)
	}
	if v, _ := keyring.Get("BrookTest", "ep1"); v != "sk-secret" {
		t.Fatalf("the key is not in the keyring: %q", v)
	}
	if v, _ := s.Get("ep1"); v != "sk-secret" {
		t.Fatalf("Get = %q", v)
	}
	if err := s.Delete("ep1"); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete("ep1"); err != nil {
		t.Fatalf("deleting a missing key: %v", err)
	}
	if v, _ := s.Get("ep1"); v != "" {
		t.Fatalf("deleted key still there: %q", v)
	}
}

func TestStoreKeepsKeysInMemoryWithoutAKeyring(t *testing.T) {
	s := New("BrookTest")
	s.os = absentKeyring{} // as if no keyring answered
	if s.Available() {
		t.Fatal("want unavailable")
	}
	if err := s.Set("ep1", "sk-1"); err != nil {
		t.Fatal(err)
	}
	if v, _ := s.Get("ep1"); v != "sk-1" {
		t.Fatalf("Get = %q", v)
	}
	_ = s.Delete("ep1")
	if v, _ := s.Get("ep1"); v != "" {
		t.Fatalf("after Delete, Get = %q", v)
	}
}
