// A drag source for the end-to-end tests: a small GTK window at a given
// place that offers the file URIs given on its command line as text/uri-list,
// as a file manager does, so xdotool can drag them onto Brook's window.
// Usage: dragsource X Y PATH...
#include <gtk/gtk.h>
#include <stdio.h>
#include <stdlib.h>

static gchar **uris;

static void on_get(GtkWidget *w, GdkDragContext *ctx, GtkSelectionData *data, guint info, guint time, gpointer user) {
	gtk_selection_data_set_uris(data, uris);
}

static void on_end(GtkWidget *w, GdkDragContext *ctx, gpointer user) {
	// Told on stdout, so the test knows the drag is over.
	printf("drag-end\n");
	fflush(stdout);
}

static gboolean on_mapped(GtkWidget *w, GdkEvent *e, gpointer user) {
	printf("ready\n");
	fflush(stdout);
	return FALSE;
}

int main(int argc, char **argv) {
	gtk_init(&argc, &argv);
	if (argc < 4) {
		fprintf(stderr, "usage: dragsource X Y PATH...\n");
		return 2;
	}
	uris = g_new0(gchar *, argc - 2);
	for (int i = 3; i < argc; i++) {
		uris[i - 3] = g_filename_to_uri(argv[i], NULL, NULL);
	}
	GtkWidget *win = gtk_window_new(GTK_WINDOW_TOPLEVEL);
	gtk_window_set_title(GTK_WINDOW(win), "dragsource");
	gtk_window_set_default_size(GTK_WINDOW(win), 120, 80);
	gtk_window_move(GTK_WINDOW(win), atoi(argv[1]), atoi(argv[2]));
	GtkWidget *box = gtk_event_box_new();
	gtk_container_add(GTK_CONTAINER(box), gtk_label_new("export"));
	gtk_container_add(GTK_CONTAINER(win), box);
	GtkTargetEntry target = {"text/uri-list", 0, 0};
	gtk_drag_source_set(box, GDK_BUTTON1_MASK, &target, 1, GDK_ACTION_COPY);
	g_signal_connect(box, "drag-data-get", G_CALLBACK(on_get), NULL);
	g_signal_connect(box, "drag-end", G_CALLBACK(on_end), NULL);
	g_signal_connect(win, "map-event", G_CALLBACK(on_mapped), NULL);
	g_signal_connect(win, "destroy", G_CALLBACK(gtk_main_quit), NULL);
	gtk_widget_show_all(win);
	gtk_main();
	return 0;
}
