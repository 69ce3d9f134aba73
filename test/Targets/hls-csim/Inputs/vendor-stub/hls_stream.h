// Empty stand-in for the vendor header: lets the synthesis view be preprocessed here.
