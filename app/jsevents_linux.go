//go:build linux && cgo && webkit2_41

package app

/*
#cgo pkg-config: gtk+-3.0 webkit2gtk-4.1
#include <stdlib.h>
#include <gtk/gtk.h>
#include <webkit2/webkit2.h>

// The window's web view, found on first use; GLib clears it if it goes.
static WebKitWebView *brook_view = NULL;

static WebKitWebView *brook_find_view(GtkWidget *w) {
	if (WEBKIT_IS_WEB_VIEW(w)) return WEBKIT_WEB_VIEW(w);
	if (!GTK_IS_CONTAINER(w)) return NULL;
	WebKitWebView *found = NULL;
	GList *children = gtk_container_get_children(GTK_CONTAINER(w));
	for (GList *c = children; c != NULL && found == NULL; c = c->next) found = brook_find_view(GTK_WIDGET(c->data));
	g_list_free(children);
	return found;
}

// Runs on the GTK main thread, in C only.
static gboolean brook_run_js(gpointer data) {
	if (brook_view == NULL) {
		GList *tops = gtk_window_list_toplevels();
		for (GList *t = tops; t != NULL && brook_view == NULL; t = t->next) brook_view = brook_find_view(GTK_WIDGET(t->data));
		g_list_free(tops);
		if (brook_view != NULL) g_object_add_weak_pointer(G_OBJECT(brook_view), (gpointer *)&brook_view);
	}
	if (brook_view != NULL) webkit_web_view_evaluate_javascript(brook_view, (const char *)data, -1, NULL, NULL, NULL, NULL, NULL);
	free(data);
	return G_SOURCE_REMOVE;
}

// Safe from any thread: g_idle_add queues on the main context.
static void brook_post_js(char *js) { g_idle_add(brook_run_js, js); }
*/
import "C"

// postToWindow hands an event to the window's JavaScript the way the Wails
// runtime does (see [eventScript]), but without a call back into Go on GTK's
// main thread. Each such call left that thread holding a Go P in a cgo call
// until the scheduler's monitor took it back, which woke the monitor every
// 20 µs for a while: at 10 events a second, a third of Brook's CPU while an
// answer streams.
func postToWindow(name string, payload any) error {
	script, err := eventScript(name, payload)
	if err != nil {
		return err
	}
	C.brook_post_js(C.CString(script))
	return nil
}
