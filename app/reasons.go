package app

import "brook/backend/chat"

// ReasonTexts returns the words for reason codes and recovered answers.
func (s *SystemService) ReasonTexts() chat.ReasonTexts { return chat.AllReasonTexts() }
