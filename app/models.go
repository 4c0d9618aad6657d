package app

import (
	"brook/backend/selection"
)

// ModelService lists endpoints' models and picks the one to select.
type ModelService struct{ a *App }

// Overview returns, from one survey, every endpoint with its models and the
// model to select (as Default), with why.
func (s *ModelService) Overview() (selection.Overview, error) {
	if err := s.a.ready(); err != nil {
		return selection.Overview{}, err
	}
	return s.a.chooser.Overview(s.a.ctx)
}
