module dmtest/fakeplugin

go 1.19
