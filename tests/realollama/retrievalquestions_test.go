//go:build linux

package realollama

// benchQuestion is a question about the R manuals and a phrase that only
// the passage answering it holds: the retrieval bench counts a question
// answered when a chunk among the top five holds the phrase. The
// questions were written by hand from the manuals' text and are worded
// as a user would ask, not copied from the passage.
type benchQuestion struct {
	q, answer string
}

var benchQuestions = []benchQuestion{
	{"How do I permute the dimensions of an array?", "may be used to permute an array"},
	{"How can I send all console output to a file instead of the screen?", "will divert all subsequent output from the console"},
	{"How do I read a data file whose fields sit in fixed columns with no delimiters?", "specifying a vector of field widths"},
	{"How do I solve a system of linear equations?", "solves the system, returning x"},
	{"What does switch give back when the number is out of range?", "If value is too large or too small NULL is returned"},
	{"Where does a user keep their own package libraries?", "Users can have one or more libraries"},
	{"How do I build R as a shared library?", "causes the make process to build R as a dynamic (shared) library"},
	{"How can I browse the help pages in a web browser?", "which will launch a Web browser"},
	{"How do I compute a least squares fit from a design matrix?", "giving results of a least squares fitting procedure"},
	{"How do I compute the singular value decomposition of a matrix?", "calculates the singular value decomposition of M"},
	{"What must the temporary directory environment variable point to?", "points to a valid place to create temporary files"},
	{"Which packages read HDF5 and netCDF scientific data files?", "provide interfaces to NASA"},
	{"Who wrote the dBase program?", "dBase was a DOS program written by Ashton-Tate"},
	{"How can I put computed values into a plotted math expression?", "which are replaced with their values"},
	{"Which function gives the function being invoked in a given context?", "Get the function being invoked in the specified context"},
	{"How do I fit a Michaelis-Menten non-linear model?", "nls(y ~ SSmicmen(x, Vm, K), df)"},
	{"How do I close a graphics device when I am finished with it?", "be sure to terminate the device driver by issuing the command"},
	{"What does building R require of iconv?", "A suitably comprehensive iconv function is essential"},
	{"How can I arrange several plots in a complicated layout on one page?", "can be produced by the split.screen() and layout() functions"},
	{"How do I connect R to an SQLite database?", "which works with the bundled DBMS SQLite"},
	{"When are a function's arguments evaluated?", "Arguments are not evaluated until needed"},
	{"What happens when I add vectors of different lengths?", "Shorter vectors in the expression are recycled"},
	{"Which file runs at start-up for every user of the system?", "commands that you want to execute every time R is started under your system"},
	{"How do I apply a function such as the mean to each group of a factor?", "is used to apply a function, here mean(), to each group"},
	{"How can I run an R script from the shell with arguments?", "This is made simpler by the alternative front-end Rscript"},
	{"How does a method hand over to the next method, for inheritance?", "Methods themselves employ NextMethod to provide a form of inheritance"},
	{"How do I read data from an ODBC database?", "provides an interface to database sources supporting an ODBC interface"},
	{"How do I check that R built from source works?", "Then check the built system works correctly by"},
	{"How can I use a data frame's columns as variables without the dollar notation?", "for list components is not always very convenient"},
	{"How do I quit R?", "To quit the R program the command is"},
	{"How are unknown values marked in a vector?", "reserved for it by assigning it the special value NA"},
	{"What is inside a promise object?", "They contain three slots: a value, an expression, and an environment"},
	{"Which linear algebra libraries does R use?", "make use of BLAS (Basic Linear Algebra Subprograms"},
}
