"""nerdesk.formats"""
