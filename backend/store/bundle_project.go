package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"brook/backend/i18n"
)

// bundleProject is the project of conversation c as an export carries it,
// read within q; nil when c is in none.
func bundleProject(ctx context.Context, q queryRower, c Conversation) (*BundleProject, error) {
	if c.ProjectID == 0 {
		return nil, nil
	}
	p, err := scanProject(q.QueryRowContext(ctx, `SELECT `+projectColumns+` FROM projects WHERE id = ?`, c.ProjectID))
	if err != nil {
		return nil, fmt.Errorf("store: project %d of conversation %d: %w", c.ProjectID, c.ID, err)
	}
	return &BundleProject{UID: p.UID, Name: p.Name, Colour: p.Colour, Emoji: p.Emoji, Instructions: p.Instructions,
		EndpointID: p.EndpointID, Model: p.Model, Params: p.Params}, nil
}

// asProject is the project bp describes, as [validateProject] checks it.
func (bp BundleProject) asProject() Project {
	return Project{UID: bp.UID, Name: bp.Name, Colour: bp.Colour, Emoji: bp.Emoji, Instructions: bp.Instructions,
		EndpointID: bp.EndpointID, Model: bp.Model, Params: bp.Params}
}

// Check says, with [ErrInvalid], what an import would refuse of bp: no
// UID, or what [Store.CreateProject] refuses.
func (bp BundleProject) Check() error {
	if strings.TrimSpace(bp.UID) == "" {
		return invalid("the project has no uid")
	}
	_, _, err := validateProject(bp.asProject())
	return err
}

// validateBundleProject checks the project of bundle i before anything of
// an import is written.
func validateBundleProject(i int, bp *BundleProject) error {
	if bp == nil {
		return nil
	}
	if err := bp.Check(); err != nil {
		return fmt.Errorf("bundle %d: project: %w", i, err)
	}
	if err := bp.checkKnowledge(); err != nil {
		return fmt.Errorf("bundle %d: project: %w", i, err)
	}
	return nil
}

// importProjects resolves the projects of one import to stored ones: a
// live project with the bundle's project's UID and the same content is
// reused; otherwise a project is added, under that UID when no project has
// it, or as a copy with a new UID beside a different (or deleted) one.
// Names never decide: two projects may share one. Within an import each
// UID is resolved once, so its conversations all land in one project.
type importProjects struct {
	s        *Store
	resolved map[string]int64
}

// id is the stored project for bp, added if need be within tx, with the
// knowledge files bp brings that it lacks; 0 for nil.
func (ip *importProjects) id(ctx context.Context, tx *sql.Tx, bp *BundleProject) (int64, error) {
	id, err := ip.project(ctx, tx, bp)
	if err != nil || id == 0 {
		return id, err
	}
	if err := importKnowledge(ctx, tx, id, bp, ip.s.now()); err != nil {
		return 0, fmt.Errorf("project %s: knowledge: %w", bp.UID, err)
	}
	return id, nil
}

// project is the stored project for bp, added if need be within tx.
func (ip *importProjects) project(ctx context.Context, tx *sql.Tx, bp *BundleProject) (int64, error) {
	if bp == nil {
		return 0, nil
	}
	if id, ok := ip.resolved[bp.UID]; ok {
		return id, nil
	}
	want, params, err := validateProject(bp.asProject())
	if err != nil {
		return 0, err
	}
	stored, err := scanProject(tx.QueryRowContext(ctx, `SELECT `+projectColumns+` FROM projects
		WHERE uid = ? AND deleted_at IS NULL`, want.UID))
	switch {
	case err == nil && sameProject(stored, want):
		ip.resolved[bp.UID] = stored.ID
		return stored.ID, nil
	case err == nil:
		want.UID = uuid.NewString() // a different project holds the UID
	case !errors.Is(err, sql.ErrNoRows):
		return 0, err
	default:
		var taken int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM projects WHERE uid = ?`, want.UID).Scan(&taken); err != nil {
			return 0, err
		}
		if taken > 0 {
			want.UID = uuid.NewString() // a deleted project holds it; undo may bring it back
		}
	}
	now := ip.s.now()
	var id int64
	err = tx.QueryRowContext(ctx, `INSERT INTO projects
		(uid, name, colour, emoji, instructions, endpoint_id, model, params, sort_order, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, (SELECT coalesce(max(sort_order), 0) + 1 FROM projects), ?, ?) RETURNING id`,
		want.UID, want.Name, want.Colour, want.Emoji, want.Instructions, want.EndpointID, want.Model, params, now, now).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("project %s: %w", bp.UID, err)
	}
	ip.resolved[bp.UID] = id
	return id, nil
}

// sameProject reports whether two projects hold the same content, which
// is what makes an imported project the stored one.
func sameProject(a, b Project) bool {
	return a.Name == b.Name && a.Colour == b.Colour && a.Emoji == b.Emoji && a.Instructions == b.Instructions &&
		a.EndpointID == b.EndpointID && a.Model == b.Model && sameParams(a.Params, b.Params)
}

// MaxImportProjects is the most projects one import may bring: far more
// than anyone keeps, few enough that a hostile file cannot bury the
// sidebar under thousands of folders.
const MaxImportProjects = 1000

// checkImportProjects refuses, before anything is written, an import whose
// conversations name more than [MaxImportProjects] projects.
func checkImportProjects(bundles []Bundle) error {
	uids := map[string]bool{}
	for _, b := range bundles {
		if b.Project != nil {
			uids[b.Project.UID] = true
		}
	}
	if len(uids) > MaxImportProjects {
		return refuseIn("Store.tooManyProjects", i18n.Args{"Count": len(uids), "Max": MaxImportProjects})
	}
	return nil
}
